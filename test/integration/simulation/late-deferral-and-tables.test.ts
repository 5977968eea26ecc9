/**
 * A deferral asked late (at D-2, or in grace) still brings the new due date's reminders; a simulation
 * given an endpoint and asked to keep its table leaves it there and names it in summary.json.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDbClient } from '#local/dynamodb-local.ts';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { addDays, instantAt, localDateOf } from '#shared/lending/calendar.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

/** Simulations read the table's stream after every step: a DynamoDB Local of this file's own. */
const db = fileDynamoDb();

const at = (date: string, minute: number) => instantAt(date, minute, 'Asia/Shanghai').toISOString();
const person = (borrowerId: string, n: number) => ({
  borrowerId,
  partnerId: 'p1',
  name: '借款人',
  phone: `+86137200000${String(n).padStart(2, '0')}`,
  email: `${borrowerId}@example.com`,
  idNumber: withCheckChar(`31010419900101${String(n).padStart(3, '0')}`),
});

const book: Portfolio = {
  timezone: 'Asia/Shanghai',
  partners: [{ partnerId: 'p1', name: 'Demo Loans' }],
  borrowers: [person('b-grace', 1), person('b-d2', 2), person('b-trio', 3)],
  loans: [
    // Due 03-26; a 20-day deferral asked in grace (D+2) makes it due 04-15.
    bulletLoan('L-hs-grace', 'b-grace', { disbursedOn: '2027-02-26' }),
    // Due 03-26; a 20-day deferral asked at D-2 makes it due 04-15.
    bulletLoan('L-hs-d2', 'b-d2', { disbursedOn: '2027-02-26' }),
    // Three loans of one person, due 03-21, never paid.
    ...[1, 2, 3].map((n) => bulletLoan(`L-t${n}`, 'b-trio', { disbursedOn: '2027-02-21' })),
  ],
  payments: [],
  hardship: [
    { loanId: 'L-hs-grace', requestedAt: at('2027-03-28', 600), reason: 'illness', deferralDays: 20 },
    { loanId: 'L-hs-d2', requestedAt: at('2027-03-24', 600), reason: 'illness', deferralDays: 20 },
  ],
  applications: [],
};

let run: SimulationResult;
let itemsLeft: number;
beforeAll(async () => {
  const client = localDynamoDbClient(db.endpoint());
  run = await runSimulation({
    portfolio: book,
    from: '2027-03-01',
    days: 50,
    faults: parseFaults(''),
    seed: 1,
    dynamodbEndpoint: db.endpoint(),
    keepTables: true,
  });
  // Look for the table by the name the summary gives.
  const [kept] = run.summary.tables ?? [];
  itemsLeft = kept
    ? ((await client.send(new ScanCommand({ TableName: kept, Select: 'COUNT' }))).Count ?? 0)
    : 0;
  client.destroy();
}, 600_000);

const sentOn = (loanId: string) =>
  run.contacts
    .filter((l) => l.loanId === loanId && l.status === 'sent')
    .map((l) => `${l.stage}/${l.channel}@${localDateOf(l.at, 'Asia/Shanghai')}`);

describe('deferrals asked late, and tables left for inspection', () => {
  it('domain-rules "Hardship": a deferral asked in grace or at D-2 still gets D-3, D-1 and D0 reminders for the new due date', () => {
    // The plan pauses reminders from the request for `deferralDays` days, which ends after the new due
    // date unless the request came 3 or more days before the old one: those reminders are dropped.
    const due = '2027-04-15';
    const expected = [
      `D-3/sms@${addDays(due, -3)}`,
      `D-1/sms@${addDays(due, -1)}`,
      `D0/sms@${due}`,
      `D0/email@${due}`,
    ];
    const missing = (loanId: string) => expected.filter((e) => !sentOn(loanId).includes(e));
    expect({ 'L-hs-grace': missing('L-hs-grace'), 'L-hs-d2': missing('L-hs-d2') }).toEqual({
      'L-hs-grace': [],
      'L-hs-d2': [],
    });
  });

  it('given an endpoint and keepTables (as the CLI with --dynamodb-endpoint), leaves its table and names it in summary.json', () => {
    expect(run.summary.tables).toEqual(['duebell-sim-2027-03-01-50d-seed1']);
    // The run's loans, installments, ledger and the rest are still there to inspect.
    expect(itemsLeft).toBeGreaterThan(20);
  });
});
