import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { runStress } from '#local/stress/run-stress.ts';
import { loadRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { stressScenarioSchema } from '#shared/schemas/stress-scenario.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

const db = fileDynamoDb();
/** The defaults on one due-index shard: ten loans need no write spread, and the sweep has less to page. */
const rules = loadRules({ schedule: { dueIndexShards: 1 } });

/**
 * Ten borrowers, each with one ¥1,000 bullet loan due 2027-06-10 and paid that day at noon. The run starts
 * 2027-06-05 and ends 2027-09-08, the day a loan unpaid since 06-10 reaches 90 days past due.
 */
const FROM = '2027-06-05';
const DAYS = 96;
const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
const portfolio: Portfolio = {
  partners: [{ partnerId: 'p1', name: 'Partner One' }],
  borrowers: ids.map((id, i) => ({
    borrowerId: id,
    partnerId: 'p1',
    name: '借款人',
    phone: `+861371000${String(i).padStart(4, '0')}`,
    idNumber: withCheckChar(`44010419880512${String(i).padStart(3, '0')}`),
    language: 'zh-CN' as const,
  })),
  loans: ids.map((id) => bulletLoan(`L-${id}`, id)),
  payments: ids.map((id) => ({
    paymentId: `pay-${id}`,
    loanId: `L-${id}`,
    amount: 101_500,
    paidAt: instantAt('2027-06-10', minuteOfDay('12:00'), 'Asia/Shanghai').toISOString(),
  })),
  hardship: [],
  applications: [],
};
const scenario = stressScenarioSchema.parse({ name: '20 % stop paying', from: FROM, missShare: 0.2 });

let out: string;
let plain: string;
let comparison: Awaited<ReturnType<typeof runStress>>['comparison'];
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'stress-'));
  plain = mkdtempSync(join(tmpdir(), 'stress-plain-'));
  ({ comparison } = await runStress({
    portfolio,
    scenario,
    from: FROM,
    days: DAYS,
    seed: 3,
    outDir: out,
    dynamodbEndpoint: db.endpoint(),
    rules,
  }));
  await runSimulation({
    portfolio,
    from: FROM,
    days: DAYS,
    seed: 3,
    faults: parseFaults(undefined),
    outDir: plain,
    dynamodbEndpoint: db.endpoint(),
    rules,
  });
}, 1_200_000);

describe('duebell stress with 20 % of borrowers missing their payments', () => {
  it('writes baseline/, shocked/ and comparison.json', () => {
    for (const side of ['baseline', 'shocked'])
      for (const file of ['contacts.jsonl', 'events.jsonl', 'portfolio.jsonl', 'summary.json'])
        expect(existsSync(join(out, side, file))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8'))).toEqual(comparison);
  });

  it('shows a higher NPL ratio, more expected loss and more agent tasks than its baseline', () => {
    const { baseline, shocked } = comparison.total;
    expect(baseline.nplRatioBps).toBe(0);
    expect(shocked.nplRatioBps).toBeGreaterThan(baseline.nplRatioBps);
    expect(shocked.expectedLossFen).toBeGreaterThan(baseline.expectedLossFen);
    expect(shocked.agentTasks).toBeGreaterThan(baseline.agentTasks);
    expect(comparison.byDay).toHaveLength(DAYS);
  });

  it('has a baseline equal to a plain simulate of the same book and seed', () => {
    // The run's keys come from the seed, so even the order of one instant's messages is the same.
    for (const file of ['ageing.jsonl', 'portfolio.jsonl', 'summary.json', 'contacts.jsonl', 'events.jsonl'])
      expect(readFileSync(join(out, 'baseline', file), 'utf8'), file).toBe(
        readFileSync(join(plain, file), 'utf8'),
      );
  });
});
