/**
 * Promises to pay in a simulated run: the portfolio's `promises` go through the partner's promise route at
 * their instants; the ageing job judges them the day after their date; the ladder waits meanwhile.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { instantAt, localDateOf } from '#shared/lending/calendar.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

const db = fileDynamoDb();

const at = (date: string, hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return instantAt(date, h * 60 + m, 'Asia/Shanghai').toISOString();
};
const person = (borrowerId: string, n: number) => ({
  borrowerId,
  partnerId: 'p1',
  name: '借款人',
  phone: `+86137300000${String(n).padStart(2, '0')}`,
  email: `${borrowerId}@example.com`,
  idNumber: withCheckChar(`31010419900202${String(n).padStart(3, '0')}`),
});

// Two ¥1,000 bullet loans due 2027-06-10 (about ¥1,015 owed); each borrower promises ¥1,050 at D+5 for 06-20.
const book: Portfolio = {
  timezone: 'Asia/Shanghai',
  partners: [{ partnerId: 'p1', name: 'Demo Loans' }],
  borrowers: [person('b-keeps', 1), person('b-breaks', 2)],
  loans: [bulletLoan('L-keeps', 'b-keeps'), bulletLoan('L-breaks', 'b-breaks')],
  payments: [
    { paymentId: 'pay-keeps', loanId: 'L-keeps', amount: 105_000, paidAt: at('2027-06-19', '15:00') },
  ],
  hardship: [],
  applications: [],
  promises: [
    { loanId: 'L-keeps', at: at('2027-06-15', '10:00'), date: '2027-06-20', amount: 105_000 },
    { loanId: 'L-breaks', at: at('2027-06-15', '10:00'), date: '2027-06-20', amount: 105_000 },
  ],
};

let run: SimulationResult;
beforeAll(async () => {
  run = await runSimulation({
    portfolio: book,
    from: '2027-06-01',
    days: 30,
    faults: parseFaults(''),
    seed: 1,
    dynamodbEndpoint: db.endpoint(),
  });
}, 600_000);

const day = (instant: string) => localDateOf(instant, 'Asia/Shanghai');

describe('promises to pay in a simulation', () => {
  it('sends the promises through the partner route and counts them kept and broken in summary.json', () => {
    expect(run.summary.requests.byStatus['promises 201']).toBe(2);
    expect(run.summary.promises).toEqual({ recorded: 2, kept: 1, broken: 1 });
    const judged = run.events
      .filter((e) => e.type === 'PromiseToPayKept' || e.type === 'PromiseToPayBroken')
      .map((e) => `${day(e.at)} ${e.type} ${e.detail.loanId}`)
      .sort();
    expect(judged).toEqual(['2027-06-21 PromiseToPayBroken L-breaks', '2027-06-21 PromiseToPayKept L-keeps']);
  });

  it('holds the ladder’s contacts during the pause: D+7 (06-17) goes out when the broken promise ends it', () => {
    const ladder = run.contacts
      .filter((l) => l.loanId === 'L-breaks' && ['D+7', 'D+15', 'D+30'].includes(l.stage))
      .map((l) => `${day(l.at)} ${l.stage} ${l.channel} ${l.status}`)
      .sort();
    expect(ladder.filter((l) => l < '2027-06-21')).toEqual([]);
    expect(ladder).toContain('2027-06-21 D+7 sms sent');
    expect(ladder).toContain('2027-06-25 D+15 agent sent');
    // The kept promise's loan was paid off in the pause: no ladder contact after its promise at all.
    expect(run.contacts.filter((l) => l.loanId === 'L-keeps' && ['D+7', 'D+15'].includes(l.stage))).toEqual(
      [],
    );
  });
});
