/**
 * Least privilege, checked against what the code does: the simulator runs every scheduled and queued
 * function (sweep, slices, sender, escalation step, ageing, outbox publisher) and the partner and desk
 * routes a book drives, recording each function's DynamoDB calls. No call may fall outside the function's
 * grants (`TABLE_ACCESS`), and a job function may hold no grant the run never used.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { TableAccessRecorder } from '#local/table-access-recorder.ts';
import { portfolioSchema } from '#shared/schemas/portfolio.ts';
import { type DeployedFunction, TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { deskActionsBook } from '../../fixtures/desk-actions-portfolio.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';
import { ungrantedCalls } from '../../support/table-access.ts';

const db = fileDynamoDb();
const example = (name: string) =>
  portfolioSchema.parse(
    JSON.parse(readFileSync(new URL(`../../../../shared/examples/${name}`, import.meta.url), 'utf8')),
  );

/**
 * Functions the simulator runs on every path they have: their grants must all be used. The ageing job's
 * transitions (non-performing, charge-off, broken promises) take longer books than these; the escalation
 * world's tests check its calls against its grants.
 */
const JOBS: DeployedFunction[] = [
  'sweep',
  'sweep-slice',
  'send-contact',
  'escalation-step',
  'outbox-publisher',
];

const recorder = new TableAccessRecorder();

beforeAll(async () => {
  const runs = [
    {
      portfolio: example('portfolio-small.json'),
      from: '2026-05-01',
      days: 75,
      faults: 'sns=0.2,crash=0.05,death=0.1,redeliver=0.1,dup=0.1,throttle=0.2,bus=0.1',
    },
    { portfolio: example('portfolio-promises.json'), from: '2027-06-01', days: 60, faults: '' },
    { portfolio: deskActionsBook, from: '2027-03-01', days: 40, faults: '' },
  ];
  for (const run of runs)
    await runSimulation({
      ...run,
      faults: parseFaults(run.faults),
      seed: 7,
      dynamodbEndpoint: db.endpoint(),
      tableAccess: recorder,
    });
}, 900_000);

describe('each function’s DynamoDB calls against its grants', () => {
  it('stay within the grants, for every function the simulator runs', () => {
    expect(recorder.observed.size).toBeGreaterThanOrEqual(JOBS.length);
    expect(ungrantedCalls(recorder)).toEqual([]);
  });

  it('use every grant of the scheduled and queued functions', () => {
    for (const fn of JOBS)
      expect([...(recorder.observed.get(fn) ?? [])].sort(), fn).toEqual([...TABLE_ACCESS[fn]].sort());
  });

  it('never include a Scan', () => {
    expect(Object.values(TABLE_ACCESS).flat()).not.toContain('dynamodb:Scan');
  });
});
