/**
 * The portfolio's `ops` entries (SPEC §3, CLI) go through the ops API's handlers at their instants, as a
 * supervisor: restructuring, a waiver, a hardship decision and a bulk deferral leave their events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { at, deskActionsBook as book } from '../../fixtures/desk-actions-portfolio.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

const db = fileDynamoDb();

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
