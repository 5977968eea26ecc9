/**
 * The portfolio's `ops` entries (SPEC §3, CLI) go through the ops API's handlers at their instants, as a
 * supervisor: restructuring, a waiver, a hardship decision and a bulk deferral leave their events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { instantAt } from '#shared/lending/calendar.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

const db = fileDynamoDb();

const at = (date: string, minute: number) => instantAt(date, minute, 'Asia/Shanghai').toISOString();
const person = (borrowerId: string, n: number, province = '31') => ({
  borrowerId,
  partnerId: 'p1',
  name: '借款人',
  phone: `+86137300000${String(n).padStart(2, '0')}`,
  idNumber: withCheckChar(`${province}010419900101${String(n).padStart(3, '0')}`.slice(0, 17)),
});

const book: Portfolio = {
  timezone: 'Asia/Shanghai',
  partners: [{ partnerId: 'p1', name: 'Demo Loans' }],
  borrowers: [person('b-1', 1), person('b-2', 2), person('b-3', 3), person('b-4', 4, '42')],
  loans: [
    // Due 03-10, never paid: restructured at D+20.
    {
      ...bulletLoan('L-re', 'b-1', { disbursedOn: '2027-02-10' }),
      termMonths: 6,
      repaymentMethod: 'equal_installment',
    },
    // Due 03-10, never paid: its penalty is waived at D+20.
    bulletLoan('L-wv', 'b-2', { disbursedOn: '2027-02-10' }),
    // Due 03-25: a referred request (unemployment) granted on the desk.
    bulletLoan('L-hs', 'b-3', { disbursedOn: '2027-02-25' }),
    // Due 03-28, of a borrower of province 42: the province's disaster deferral.
    bulletLoan('L-pr', 'b-4', { disbursedOn: '2027-02-28' }),
  ],
  payments: [],
  hardship: [
    { loanId: 'L-hs', requestedAt: at('2027-03-20', 600), reason: 'unemployment', deferralDays: 20 },
  ],
  applications: [],
  ops: [
    {
      at: at('2027-03-30', 600),
      action: 'restructure',
      loanId: 'L-re',
      termMonths: 12,
      reason: 'income fell',
    },
    { at: at('2027-03-30', 610), action: 'waiver', loanId: 'L-wv', penalty: 100, reason: 'goodwill' },
    {
      at: at('2027-03-21', 600),
      action: 'hardship_decision',
      loanId: 'L-hs',
      decision: 'grant',
      deferralDays: 20,
    },
    {
      at: at('2027-03-22', 600),
      action: 'bulk_deferral',
      province: '42',
      reason: 'natural_disaster',
      deferralDays: 15,
    },
  ],
};

let run: SimulationResult;
beforeAll(async () => {
  run = await runSimulation({
    portfolio: book,
    from: '2027-03-01',
    days: 40,
    faults: parseFaults(''),
    seed: 1,
    dynamodbEndpoint: db.endpoint(),
  });
}, 600_000);

const eventsOf = (type: string) => run.events.filter((e) => e.type === type).map((e) => e.detail);

describe('desk actions in a simulation', () => {
  it('replays each ops entry through the ops handlers at its instant, with its event', () => {
    expect(run.summary.requests.rejected.filter((r) => r.kind.startsWith('ops'))).toEqual([]);
    expect(eventsOf('LoanRestructured')).toMatchObject([
      { loanId: 'L-re', termMonths: 12, on: '2027-03-30' },
    ]);
    expect(eventsOf('ChargesWaived')).toMatchObject([{ loanId: 'L-wv', penalty: 100 }]);
    expect(eventsOf('HardshipReferred')).toMatchObject([{ loanId: 'L-hs' }]);
    expect(eventsOf('HardshipGranted').map((d) => [d.loanId, d.startsOn])).toEqual(
      expect.arrayContaining([
        ['L-hs', '2027-03-21'],
        ['L-pr', '2027-03-22'],
      ]),
    );
  });

  it('ends the restructured loan’s episode, so no rung after the change reaches it', () => {
    const after = run.contacts.filter((l) => l.loanId === 'L-re' && l.at > at('2027-03-30', 600));
    expect(after.filter((l) => ['D+30', 'D+60'].includes(l.stage))).toEqual([]);
  });
});
