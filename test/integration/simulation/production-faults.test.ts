import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { loadRules } from '#shared/config/rules.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { portfolioSchema } from '#shared/schemas/portfolio.ts';
import { reminderPortfolio } from '../../fixtures/reminder-portfolio.ts';
import { checkCompliance } from '../../support/compliance.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

/** Simulations read the table's stream after every step: a DynamoDB Local of this file's own. */
const db = fileDynamoDb();

/**
 * The book's rules on one due-index shard: these runs are about faults, each small book fits one shard,
 * and a shard is a sweep slice per stage and day (the sharded sweep runs in reminders.test.ts,
 * late-deferral-and-tables.test.ts and sweep-scale.test.ts).
 */
const oneShard = (p: Portfolio) =>
  loadRules({ ...(p.timezone ? { timezone: p.timezone } : {}), schedule: { dueIndexShards: 1 } });

/** The reminder book for 20 days through the real handlers, with the faults production has. */
const simulate = (faults: string, seed: number) =>
  runSimulation({
    portfolio: reminderPortfolio,
    from: '2027-06-01',
    days: 20,
    faults: parseFaults(faults),
    seed,
    rules: oneShard(reminderPortfolio),
    dynamodbEndpoint: db.endpoint(),
  });

const sentKeys = (r: SimulationResult) =>
  r.contacts
    .filter((l) => l.status === 'sent')
    .map((l) => `${l.loanId}#${l.installmentNo}#${l.stage}#${l.channel}`)
    .sort();
const paymentIds = (r: SimulationResult) =>
  r.events
    .filter((e) => e.type === 'PaymentReceived')
    .map((e) => String(e.detail.paymentId))
    .sort();
const eventIds = (r: SimulationResult) => r.events.map((e) => (e as { id?: string }).id ?? '');

let clean: SimulationResult;
beforeAll(async () => {
  clean = await simulate('', 1);
}, 300_000);

describe('a run under production faults sends what a fault-free run sends, once', () => {
  const runs = [
    { faults: 'death=0.15,redeliver=0.3', seed: 3 },
    { faults: 'throttle=0.5,bus=0.3,dup=0.5', seed: 5 },
    { faults: 'death=0.1,redeliver=0.2,throttle=0.3,bus=0.2,dup=0.3,sns=0.1', seed: 8 },
  ];
  for (const { faults, seed } of runs) {
    it(`--faults ${faults} --seed ${seed}: no contact missing or twice, payments once, events once per id`, async () => {
      const faulty = await simulate(faults, seed);
      expect(sentKeys(faulty)).toEqual(sentKeys(clean));
      expect(new Set(sentKeys(faulty)).size).toBe(sentKeys(faulty).length);
      expect(paymentIds(faulty)).toEqual(paymentIds(clean));
      expect(new Set(paymentIds(faulty)).size).toBe(paymentIds(faulty).length);
      // Every event carries an id, and none was published twice.
      expect(eventIds(faulty).every((id) => id.startsWith('evt-'))).toBe(true);
      expect(new Set(eventIds(faulty)).size).toBe(eventIds(faulty).length);
      expect(faulty.summary.faults.deadLetters).toBe(0);
      expect(faulty.summary.requests.rejected).toEqual([]);
      expect(checkCompliance(faulty.contacts, reminderPortfolio)).toEqual([]);
      // A repeat at the carrier needs a death between its accept and the ledger's record.
      expect(faulty.summary.carrierDuplicates).toBeLessThanOrEqual(
        faulty.summary.faults.deaths['before-ledger'] ?? 0,
      );
    }, 300_000);
  }

  it('injects the faults it names', async () => {
    const faulty = await simulate('death=0.2,redeliver=0.3,throttle=0.6,bus=0.3,dup=0.6', 11);
    const f = faulty.summary.faults;
    expect(f.crashes).toBeGreaterThan(0);
    expect(f.redelivered).toBeGreaterThan(0);
    expect(f.throttled).toBeGreaterThan(0);
    expect(f.busFailures).toBeGreaterThan(0);
    expect(f.duplicateSweeps).toBeGreaterThan(0);
    expect(sentKeys(faulty)).toEqual(sentKeys(clean));
  }, 300_000);
});

describe('the held example portfolio with every fault at once', () => {
  // The specification's own example book, beside the project (../shared/examples).
  const example = portfolioSchema.parse(
    JSON.parse(
      readFileSync(new URL('../../../../shared/examples/portfolio-small.json', import.meta.url), 'utf8'),
    ),
  );
  const run = (faults: string, seed: number) =>
    runSimulation({
      portfolio: example,
      from: '2027-05-01',
      days: 90,
      faults: parseFaults(faults),
      seed,
      rules: oneShard(example),
      dynamodbEndpoint: db.endpoint(),
    });

  it('sends what the fault-free run sends, keeps every rule, and reports the refused application', async () => {
    const [calm, stormy] = await Promise.all([
      run('', 1),
      run('sns=0.1,crash=0.05,death=0.1,redeliver=0.2,dup=0.2,throttle=0.3,bus=0.2', 7),
    ]);
    expect(sentKeys(stormy)).toEqual(sentKeys(calm));
    expect(sentKeys(calm).length).toBeGreaterThan(0);
    expect(paymentIds(stormy)).toEqual(paymentIds(calm));
    expect(new Set(eventIds(stormy)).size).toBe(eventIds(stormy).length);
    expect(checkCompliance(stormy.contacts, example)).toEqual([]);
    expect(stormy.summary.faults.deadLetters).toBe(0);
    // The example's application has no consents: the API refuses it, and the summary says so.
    expect(calm.summary.requests.rejected.map((r) => [r.kind, r.status])).toEqual([['applications', 400]]);
  }, 600_000);
});
