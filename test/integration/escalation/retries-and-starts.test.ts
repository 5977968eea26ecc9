/**
 * The ladder under failure and overlap, end to end: a step retried after a failed hand-off loses
 * nothing, a hardship grant shows its pause at once, and the ageing job starts only what the sweep missed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactQueue } from '#shared/ports/contact.ts';
import type { TaskQueue } from '#shared/ports/task-queue.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';
import { type EscalationWorld, escalationWorld } from './escalation-world.ts';

const db = fileDynamoDb();

let world: EscalationWorld | undefined;
const open = async (options: Omit<Parameters<typeof escalationWorld>[0], 'dynamodbEndpoint'>) => {
  world = await escalationWorld({ ...options, dynamodbEndpoint: db.endpoint() });
  return world;
};
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const stepTaken = (w: EscalationWorld, loanId: string) =>
  w.events
    .filter((e) => e.detail.loanId === loanId && e.type === 'EscalationStepTaken')
    .map((e) => `${w.dateOf(e.at)} ${'rung' in e.detail ? e.detail.rung : ''}`);

describe('escalation under retries and overlapping starts', () => {
  it('a D+15 step retried after the task queue failed once hands the task over and publishes its event', async () => {
    let failures = 1;
    const flaky = (queue: TaskQueue): TaskQueue => ({
      enqueue: async (task) => {
        if (failures-- > 0) throw new Error('SQS throttled');
        return queue.enqueue(task);
      },
    });
    const w = await open({ from: '2027-06-10', taskQueue: flaky });
    await w.addBorrower('flaky');
    await w.bookLoan('L-flaky', 'flaky');
    await w.advanceTo(w.at('2027-06-26', '00:00'));
    expect(w.stepCalls.filter((c) => c.rung === 'D+15').map((c) => c.outcome)).toEqual(['threw', 'ok']);
    expect({
      queued: w.taskQueue.tasks.map((t) => `${t.rung} ${t.type}`),
      lines: w.contacts.filter((l) => l.loanId === 'L-flaky' && l.stage === 'D+15').map((l) => l.channel),
      events: stepTaken(w, 'L-flaky'),
    }).toEqual({
      queued: ['D+15 agent_call'],
      lines: ['agent'],
      events: ['2027-06-17 D+7', '2027-06-25 D+15'],
    });
  }, 600_000);

  it('a D+7 step retried after the contact queue failed once publishes EscalationStepTaken D+7', async () => {
    let failures = 1;
    const flaky = (queue: ContactQueue): ContactQueue => ({
      enqueue: async (jobs) => {
        if (jobs.some((j) => j.stage === 'D+7') && failures-- > 0) throw new Error('SQS throttled');
        return queue.enqueue(jobs);
      },
    });
    const w = await open({ from: '2027-06-10', contactQueue: flaky });
    await w.addBorrower('flaky7');
    await w.bookLoan('L-flaky7', 'flaky7');
    await w.advanceTo(w.at('2027-06-18', '00:00'));
    expect(w.stepCalls.filter((c) => c.rung === 'D+7').map((c) => c.outcome)).toEqual(['threw', 'ok']);
    expect(stepTaken(w, 'L-flaky7')).toEqual(['2027-06-17 D+7']);
  }, 600_000);

  it('a granted hardship plan shows on the loan’s escalation at once (pausedUntil), not only at the next wake', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('pause');
    await w.bookLoan('L-pause', 'pause');
    await w.advanceTo(w.at('2027-06-20', '12:00'));
    await w.requestHardship('L-pause', { reason: 'illness', deferralDays: 30 });
    await w.advanceTo(w.at('2027-06-21', '12:00'));
    expect((await w.view('L-pause')).escalation?.pausedUntil).toBe(w.at('2027-07-20', '09:00').toISOString());
  }, 600_000);

  it('on an ordinary day the sweep starts the episode and the ageing job counts no missed start', async () => {
    const w = await open({ from: '2027-06-10', dailyJobs: false });
    await w.addBorrower('ordinary');
    await w.bookLoan('L-ordinary', 'ordinary');
    // The daily schedule of D+4 by hand: ageing at 06:00, then the sweep at 09:00.
    await w.advanceTo(w.at('2027-06-14', '06:00'));
    const aged = await w.age('2027-06-14');
    await w.advanceTo(w.at('2027-06-14', '09:00'));
    await w.sweep('2027-06-14');
    expect(aged.episodesStarted, 'EpisodesStartedByAgeing on a day nothing was missed').toBe(0);
  }, 600_000);
});
