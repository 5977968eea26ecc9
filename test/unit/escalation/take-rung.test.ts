import { describe, expect, it } from 'vitest';
import type { EscalationState } from '#shared/collection/ladder.ts';
import { type RungOutput, takeRung } from '#shared/escalation/take-rung.ts';
import type { InstallmentRecord } from '#shared/ports/records.ts';
import {
  at,
  bookLoan,
  borrowerRecord,
  FIRST_DUE,
  type Harness,
  harness,
  rules,
  startedEpisode,
  storedLoan,
  updateLoan,
} from './harness.ts';

const AGENT = rules.collection.agentQueueName;
const LEGAL = rules.collection.legalQueueName;
const WHO = { loanId: 'L1', partnerId: 'p-demo', borrowerId: 'u1' };

/** A harness at `now` with L1 booked, its episode 1 started and at `rung` (the last rung taken). */
async function onRung(
  now: Date,
  rung: string | null,
  options: {
    escalation?: Partial<EscalationState>;
    borrower?: Parameters<typeof bookLoan>[4];
    edit?: (i: InstallmentRecord) => InstallmentRecord;
    nonPerformingSince?: string;
  } = {},
): Promise<Harness> {
  const h = harness(now);
  await bookLoan(
    h,
    'L1',
    {
      escalation: startedEpisode({ rung, ...options.escalation }),
      ...(options.nonPerformingSince ? { nonPerformingSince: options.nonPerformingSince } : {}),
    },
    options.edit,
    options.borrower,
  );
  return h;
}

const step = (h: Harness, rung: string, episode = 1): Promise<RungOutput> =>
  takeRung(h.deps, { loanId: 'L1', episode, rung, scheduledAt: h.clock.now().toISOString() });

describe('takeRung: recording the rung', () => {
  it('records the first rung on the episode and answers the next rung and its instant', async () => {
    const h = await onRung(at('2027-06-14'), null);
    expect(await step(h, 'D+4')).toEqual({
      loanId: 'L1',
      episode: 1,
      next: 'D+7',
      nextAt: at('2027-06-17').toISOString(),
    });
    const loan = await storedLoan(h, 'L1');
    expect(loan.escalation).toMatchObject({ episode: 1, rung: 'D+4', pausedUntil: null });
    expect(loan.version).toBe(2);
  });

  it('publishes EscalationStarted on the first rung', async () => {
    const h = await onRung(at('2027-06-14'), null);
    await step(h, 'D+4');
    expect(h.events.events).toEqual([
      {
        type: 'EscalationStarted',
        at: at('2027-06-14').toISOString(),
        detail: { ...WHO, episode: 1, rung: 'D+4', daysPastDue: 4 },
      },
    ]);
  });

  it('publishes EscalationStepTaken on a later rung', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4');
    await step(h, 'D+7');
    expect(h.events.events).toEqual([
      {
        type: 'EscalationStepTaken',
        at: at('2027-06-17').toISOString(),
        detail: { ...WHO, episode: 1, rung: 'D+7', daysPastDue: 7 },
      },
    ]);
  });

  it('records a rung once: a retry writes nothing, publishes nothing and answers the same', async () => {
    const h = await onRung(at('2027-06-14'), null);
    const first = await step(h, 'D+4');
    const after = await storedLoan(h, 'L1');
    h.clock.advance(60_000);
    expect(await step(h, 'D+4')).toEqual(first);
    expect(await storedLoan(h, 'L1')).toEqual(after);
    expect(h.events.events).toHaveLength(1);
  });

  it('takes a new episode first rung again, as EscalationStarted of that episode', async () => {
    const h = await onRung(at('2027-06-14'), null, { escalation: { episode: 2 } });
    await step(h, 'D+4', 2);
    expect(h.events.events.map((e) => [e.type, e.detail.episode])).toEqual([['EscalationStarted', 2]]);
  });

  it('decides again on the re-read loan when another writer changed it, and records the rung once (its event at least once)', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4');
    const borrowers = h.stores.borrowers;
    const get = borrowers.get.bind(borrowers);
    let raced = false;
    borrowers.get = async (partnerId, borrowerId) => {
      if (!raced) {
        raced = true;
        await updateLoan(h, 'L1', { creditBalance: 5 });
      }
      return get(partnerId, borrowerId);
    };
    await step(h, 'D+7');
    const loan = await storedLoan(h, 'L1');
    expect(loan).toMatchObject({ creditBalance: 5, escalation: { rung: 'D+7' } });
    // Published before the rung is recorded, so the conflicting attempt's event went out too.
    expect(h.events.events.map((e) => e.type)).toEqual(['EscalationStepTaken', 'EscalationStepTaken']);
  });
});

describe('takeRung: messages', () => {
  it('queues one job per channel for the sender, keyed by episode, naming the oldest past-due installment', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4');
    await step(h, 'D+7');
    const common = {
      businessDate: '2027-06-17',
      partnerId: 'p-demo',
      borrowerId: 'u1',
      stage: 'D+7',
      offsetDays: 7,
      items: [{ loanId: 'L1', installmentNo: 1, dueDate: FIRST_DUE }],
      episode: 1,
    };
    expect(h.contactQueue.jobs).toEqual([
      { ...common, jobId: 'L1-e1-D+7-sms', channel: 'sms' },
      { ...common, jobId: 'L1-e1-D+7-email', channel: 'email' },
    ]);
  });

  it('does nothing more on a retry after the rung was recorded: no job, no event, the same answer', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4');
    const first = await step(h, 'D+7');
    const again = await step(h, 'D+7');
    const ids = h.contactQueue.jobs.map((j) => j.jobId);
    expect(ids).toEqual(['L1-e1-D+7-sms', 'L1-e1-D+7-email']);
    expect(h.events.events).toHaveLength(1);
    expect(again).toEqual(first);
  });

  it('leaves out a channel the borrower has no address on', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', {
      borrower: borrowerRecord({ emailEncrypted: undefined }),
    });
    await step(h, 'D+7');
    expect(h.contactQueue.jobs.map((j) => j.channel)).toEqual(['sms']);
    expect(h.taskQueue.tasks).toEqual([]);
  });

  it('sends nothing for a rung replayed after the next one fell, and names the next for now', async () => {
    const now = at('2027-06-25', '10:00');
    const h = await onRung(now, 'D+4');
    expect(await step(h, 'D+7')).toMatchObject({ next: 'D+15', nextAt: now.toISOString() });
    expect(h.contactQueue.jobs).toEqual([]);
    expect((await storedLoan(h, 'L1')).escalation?.rung).toBe('D+7');
  });

  it('sends nothing once the loan is non-performing, but still hands over the rung task', async () => {
    const h = await onRung(at('2027-07-10'), 'D+15', { nonPerformingSince: '2027-07-01' });
    await step(h, 'D+30');
    expect(h.contactQueue.jobs).toEqual([]);
    expect(h.taskQueue.tasks.map((t) => t.taskId)).toEqual(['L1-e1-D+30-task']);
  });
});

describe('takeRung: tasks for people', () => {
  it('records the agent call once and hands it to the agent queue with its contact line', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    await step(h, 'D+15');
    const task = {
      taskId: 'L1-e1-D+15-task',
      type: 'agent_call',
      queue: AGENT,
      reason: 'rung',
      ...WHO,
      episode: 1,
      rung: 'D+15',
      installmentNo: 1,
      status: 'open',
      createdAt: at('2027-06-25').toISOString(),
    };
    expect(h.stores.tasks.list()).toEqual([{ ...task, handedOverAt: at('2027-06-25').toISOString() }]);
    expect(h.taskQueue.tasks).toEqual([task]);
    expect(h.log.lines).toEqual([
      {
        at: '2027-06-25T09:00:00+08:00',
        borrowerId: 'u1',
        loanId: 'L1',
        installmentNo: 1,
        stage: 'D+15',
        channel: 'agent',
        to: AGENT,
        templateId: 'task.agent_call',
        language: 'zh-CN',
        status: 'sent',
      },
    ]);
  });

  it('hands a task over once: a retry records, queues and logs nothing more', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    await step(h, 'D+15');
    h.clock.advance(5 * 60_000);
    await step(h, 'D+15');
    expect(h.stores.tasks.list()).toHaveLength(1);
    expect(h.taskQueue.tasks).toHaveLength(1);
    expect(h.log.lines).toHaveLength(1);
    expect(h.events.events).toHaveLength(1);
  });

  it('writes the task line in the borrower own zone and language', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7', {
      borrower: borrowerRecord({}, { timezone: 'Europe/London', language: 'en' }),
    });
    await step(h, 'D+15');
    expect(h.log.lines[0]).toMatchObject({ at: '2027-06-25T02:00:00+01:00', language: 'en' });
  });

  it('sends legal review to the legal queue, as a legal line, with consent to share', async () => {
    const h = await onRung(at('2027-07-10'), 'D+15', {
      borrower: borrowerRecord({}, {}, { shareWithCollectionAgencies: true }),
    });
    await step(h, 'D+30');
    expect(h.taskQueue.tasks).toMatchObject([
      { type: 'legal_review', queue: LEGAL, taskId: 'L1-e1-D+30-task' },
    ]);
    expect(h.log.lines).toMatchObject([{ channel: 'legal', to: LEGAL, templateId: 'task.legal_review' }]);
  });

  it('makes legal review an internal review on the agent queue without consent', async () => {
    const h = await onRung(at('2027-07-10'), 'D+15');
    await step(h, 'D+30');
    expect(h.taskQueue.tasks).toMatchObject([{ type: 'internal_legal_review', queue: AGENT }]);
    expect(h.log.lines).toMatchObject([
      { channel: 'agent', to: AGENT, templateId: 'task.internal_legal_review' },
    ]);
  });

  it('gives an agent the messages no channel may carry, with the reason on its line', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', {
      borrower: borrowerRecord({}, { optOut: ['sms', 'email'] }),
    });
    await step(h, 'D+7');
    expect(h.contactQueue.jobs).toEqual([]);
    expect(h.taskQueue.tasks).toMatchObject([
      { taskId: 'L1-e1-D+7-agent', type: 'agent_call', reason: 'all_channels_opted_out', queue: AGENT },
    ]);
    expect(h.log.lines).toMatchObject([{ channel: 'agent', reason: 'all_channels_opted_out', stage: 'D+7' }]);
  });

  it('queues no message on a channel the borrower did not consent to, and the consented one as usual', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', {
      borrower: borrowerRecord({}, {}, { contactBySms: false }),
    });
    await step(h, 'D+7');
    expect(h.contactQueue.jobs.map((j) => [j.jobId, j.channel])).toEqual([['L1-e1-D+7-email', 'email']]);
    expect(h.taskQueue.tasks).toEqual([]);
  });

  it('gives an agent the messages when no channel of the rung has consent, with no_consent on its line', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', {
      borrower: borrowerRecord({}, {}, { contactBySms: false, contactByEmail: false }),
    });
    await step(h, 'D+7');
    expect(h.contactQueue.jobs).toEqual([]);
    expect(h.taskQueue.tasks).toMatchObject([
      { taskId: 'L1-e1-D+7-agent', type: 'agent_call', reason: 'no_consent', queue: AGENT },
    ]);
    expect(h.log.lines).toMatchObject([{ channel: 'agent', to: AGENT, reason: 'no_consent', stage: 'D+7' }]);
  });

  it('sends no task to the legal queue at legal review or referral without consent to share', async () => {
    const h = await onRung(at('2027-07-10'), 'D+15', {
      borrower: borrowerRecord({}, {}, { shareWithCollectionAgencies: false }),
    });
    await step(h, 'D+30');
    h.clock.set(at('2027-08-09'));
    await step(h, 'D+60');
    expect(h.taskQueue.tasks.map((t) => [t.taskId, t.type, t.queue])).toEqual([
      ['L1-e1-D+30-task', 'internal_legal_review', AGENT],
      ['L1-e1-D+60-task', 'internal_legal_review', AGENT],
    ]);
    expect(h.taskQueue.tasks.filter((t) => t.queue === LEGAL)).toEqual([]);
    expect(h.log.lines.map((l) => l.channel)).toEqual(['agent', 'agent']);
  });

  it('treats a borrower it cannot find as reachable on no channel and consenting to nothing', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', { borrower: null });
    await step(h, 'D+7');
    expect(h.contactQueue.jobs).toEqual([]);
    expect(h.taskQueue.tasks.map((t) => t.reason)).toEqual(['no_consent']);
  });
});

describe('takeRung: the agent cap', () => {
  async function fillAgentSlots(h: Harness, date: string, count: number) {
    for (let n = 0; n < count; n += 1) {
      await h.stores.contacts.reserveDailySlot({
        identityHash: 'id-hash-u1',
        localDate: date,
        channel: 'agent',
        messageKey: `other-${n}`,
        cap: rules.contact.maxAgentTasksPerBorrowerPerDay,
      });
    }
  }

  it('moves the whole rung to tomorrow at the sweep hour when 3 agent tasks are taken today', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    await fillAgentSlots(h, '2027-06-25', 3);
    expect(await step(h, 'D+15')).toEqual({
      loanId: 'L1',
      episode: 1,
      next: 'D+15',
      nextAt: at('2027-06-26').toISOString(),
    });
    expect(h.stores.tasks.list()).toEqual([]);
    expect(h.taskQueue.tasks).toEqual([]);
    expect(h.log.lines).toEqual([]);
    expect(h.events.events).toEqual([]);
    expect((await storedLoan(h, 'L1')).escalation?.rung).toBe('D+7');
  });

  it('takes the moved rung the next day', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    await fillAgentSlots(h, '2027-06-25', 3);
    await step(h, 'D+15');
    h.clock.set(at('2027-06-26'));
    expect(await step(h, 'D+15')).toMatchObject({ next: 'D+30' });
    expect(h.taskQueue.tasks.map((t) => t.taskId)).toEqual(['L1-e1-D+15-task']);
  });

  it('acts with 2 agent tasks taken today', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    await fillAgentSlots(h, '2027-06-25', 2);
    await step(h, 'D+15');
    expect(h.taskQueue.tasks).toHaveLength(1);
  });

  it('does not count a retried task twice: its own slot is still its own once the day is full', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    await fillAgentSlots(h, '2027-06-25', 2);
    await step(h, 'D+15');
    // The day is full now: another task would be refused, this one's retry is not.
    const other = { identityHash: 'id-hash-u1', localDate: '2027-06-25', channel: 'agent', cap: 3 };
    expect(await h.stores.contacts.reserveDailySlot({ ...other, messageKey: 'another' })).toBe(false);
    expect(await step(h, 'D+15')).toMatchObject({ next: 'D+30' });
  });
});

describe('takeRung: standing', () => {
  it('makes the loan non-performing at D+90 with LoanNonPerforming, once', async () => {
    const h = await onRung(at('2027-09-08'), 'D+60');
    await step(h, 'D+90');
    await step(h, 'D+90');
    expect(h.events.events.map((e) => e.type)).toEqual(['EscalationStepTaken', 'LoanNonPerforming']);
    expect(h.events.events[1]?.detail).toEqual({ ...WHO, daysPastDue: 90 });
    const loan = await storedLoan(h, 'L1');
    expect(loan).toMatchObject({ status: 'active', nonPerformingSince: '2027-09-08' });
  });

  it('does not announce non-performing again for a loan the ageing job already marked', async () => {
    const h = await onRung(at('2027-09-08'), 'D+60', { nonPerformingSince: '2027-09-08' });
    await step(h, 'D+90');
    expect(h.events.events.map((e) => e.type)).toEqual(['EscalationStepTaken']);
  });

  it('charges off at D+120 with LoanChargedOff, ends the episode and the workflow, once', async () => {
    const h = await onRung(at('2027-10-08'), 'D+90', { nonPerformingSince: '2027-09-08' });
    expect(await step(h, 'D+120')).toMatchObject({ next: 'end' });
    expect(await step(h, 'D+120')).toMatchObject({ next: 'end' });
    expect(h.events.events.map((e) => e.type)).toEqual(['EscalationStepTaken', 'LoanChargedOff']);
    const loan = await storedLoan(h, 'L1');
    expect(loan.status).toBe('charged_off');
    expect(loan.escalation).toMatchObject({
      rung: 'D+120',
      endedAt: at('2027-10-08').toISOString(),
      endReason: 'charged_off',
    });
  });
});

describe('takeRung: ending and waiting', () => {
  it('ends the workflow and the episode as cured when what is past due is within the tolerance', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', {
      edit: (i) =>
        i.installmentNo === 1
          ? { ...i, interestPaid: i.interestDue, principalPaid: i.principalDue - 100 }
          : i,
    });
    expect(await step(h, 'D+7')).toEqual({
      loanId: 'L1',
      episode: 1,
      next: 'end',
      nextAt: at('2027-06-17').toISOString(),
    });
    expect((await storedLoan(h, 'L1')).escalation).toMatchObject({
      endedAt: at('2027-06-17').toISOString(),
      endReason: 'cured',
    });
    expect(h.contactQueue.jobs).toEqual([]);
    expect(h.events.events).toEqual([]);
  });

  it('ends the workflow of another episode without touching the loan', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', { escalation: { episode: 2 } });
    const before = await storedLoan(h, 'L1');
    expect(await step(h, 'D+7', 1)).toMatchObject({ next: 'end' });
    expect(await storedLoan(h, 'L1')).toEqual(before);
  });

  it('ends the workflow of a loan that does not exist', async () => {
    const h = harness(at('2027-06-17'));
    expect(
      await takeRung(h.deps, { loanId: 'nope', episode: 1, rung: 'D+7', scheduledAt: '' }),
    ).toMatchObject({
      next: 'end',
    });
  });

  it('keeps a hardship pause on the episode and waits for the same rung until the day after the plan', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4');
    await updateLoan(h, 'L1', {
      hardshipPlans: [
        {
          planId: 'h1',
          status: 'granted',
          reason: 'illness',
          deferralDays: 30,
          requestedAt: at('2027-06-15').toISOString(),
          startsOn: '2027-06-15',
          endsOn: '2027-07-14',
          referralReasons: [],
        },
      ],
    });
    expect(await step(h, 'D+7')).toMatchObject({ next: 'D+7', nextAt: at('2027-07-15').toISOString() });
    const paused = await storedLoan(h, 'L1');
    expect(paused.escalation).toMatchObject({ rung: 'D+4', pausedUntil: at('2027-07-15').toISOString() });
    await step(h, 'D+7');
    expect((await storedLoan(h, 'L1')).version).toBe(paused.version);
    expect(h.events.events).toEqual([]);
    expect(h.contactQueue.jobs).toEqual([]);
  });

  it('waits for the rung day without writing when the due dates moved', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4', {
      edit: (i) => ({ ...i, dueDate: i.installmentNo === 1 ? '2027-06-15' : i.dueDate }),
    });
    const before = await storedLoan(h, 'L1');
    expect(await step(h, 'D+7')).toMatchObject({ next: 'D+7', nextAt: at('2027-06-22').toISOString() });
    expect(await storedLoan(h, 'L1')).toEqual(before);
  });

  it('clears the pause when the rung acts after it', async () => {
    const h = await onRung(at('2027-07-15'), 'D+4', {
      escalation: { pausedUntil: at('2027-07-15').toISOString() },
    });
    await step(h, 'D+7');
    expect((await storedLoan(h, 'L1')).escalation).toMatchObject({ rung: 'D+7', pausedUntil: null });
  });
});
