import { describe, expect, it } from 'vitest';
import { loadRules } from '#shared/config/rules.ts';
import { SliceBusy } from '#shared/errors/domain-errors.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import type { EscalationInput, EscalationWorkflow } from '#shared/ports/escalation.ts';
import { slicesOf } from '#shared/reminders/start-sweep.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import { remindersOf, runSweepSlice } from '#shared/reminders/sweep-slice.ts';
import { type SweepSlice, sliceIdOf } from '#shared/schemas/sweep-slice.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { dueIndexKey } from '#shared/storage/keys.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { addBorrower, addLoan, type Harness, harness, nineAm, standingToday } from './harness.ts';

/** Job ids with the loans each job covers, in the order they were queued. */
const queued = (h: Harness) =>
  h.queue.jobs.map((j) => [j.jobId, j.items.map((i) => `${i.loanId}#${i.installmentNo}`)]);

/** A harness at 09:00 on `businessDate` whose borrower u1 (partner p1) has loan L1 due 2027-06-10. */
async function oneLoan(businessDate: string) {
  const h = harness(nineAm(businessDate));
  const u1 = await addBorrower(h, { borrowerId: 'u1' });
  await addLoan(h, 'L1', u1);
  h.events.events.length = 0; // LoanBooked is not what these tests look at
  return { h, u1 };
}

/** The D0 slice of the date the harness clock is on, in the due-index shard of the loan's borrower. */
function d0SliceOf(h: Harness, loanId: string): SweepSlice {
  const date = h.clock.now().toISOString().slice(0, 10);
  const inst = [...h.repos.loans.allInstallments()].find((i) => i.loanId === loanId);
  if (!inst) throw new Error(`${loanId} has no installment`);
  const shard = Number(dueIndexKey(inst, h.rules.schedule.dueIndexShards).dueShard.split('#')[1]);
  const slice = slicesOf(date, h.rules).find((s) => s.stage === 'D0' && s.shard === shard);
  if (!slice) throw new Error('no D0 slice');
  return slice;
}

class RecordingWorkflow implements EscalationWorkflow {
  readonly started: { name: string; input: EscalationInput }[] = [];
  async start(name: string, input: EscalationInput): Promise<'started'> {
    this.started.push({ name, input });
    return 'started';
  }
}

describe('sweepReminders', () => {
  it("puts one borrower's installments due the same day into one job per channel of the stage", async () => {
    const h = harness(nineAm('2027-06-10'));
    const u1 = await addBorrower(h, { borrowerId: 'u1' });
    await addLoan(h, 'La', u1);
    await addLoan(h, 'Lb', u1);
    await sweepReminders(h, '2027-06-10');
    expect(queued(h)).toEqual([
      ['2027-06-10|p1|u1|D0|email', ['La#1', 'Lb#1']],
      ['2027-06-10|p1|u1|D0|sms', ['La#1', 'Lb#1']],
    ]);
    expect(h.queue.jobs[1]).toEqual({
      jobId: '2027-06-10|p1|u1|D0|sms',
      businessDate: '2027-06-10',
      partnerId: 'p1',
      borrowerId: 'u1',
      stage: 'D0',
      offsetDays: 0,
      channel: 'sms',
      items: [
        { loanId: 'La', installmentNo: 1, dueDate: '2027-06-10' },
        { loanId: 'Lb', installmentNo: 1, dueDate: '2027-06-10' },
      ],
    });
  });

  it('keeps borrowers, partners and stages in jobs of their own', async () => {
    const h = harness(nineAm('2027-06-10'));
    const u1 = await addBorrower(h, { borrowerId: 'u1' });
    const u1AtP2 = await addBorrower(h, { partnerId: 'p2', borrowerId: 'u1' });
    const u2 = await addBorrower(h, { borrowerId: 'u2', idNumber: '110101199003071233' });
    await addLoan(h, 'L1', u1);
    await addLoan(h, 'L2', u1AtP2);
    await addLoan(h, 'L3', u2);
    await addLoan(h, 'L4', u1, { disbursedOn: '2027-05-11' }); // due 06-11: D-1 today
    const result = await sweepReminders(h, '2027-06-10');
    // Queued slice by slice (stage, then shard): what matters is which job holds what.
    expect(queued(h).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1))).toEqual([
      ['2027-06-10|p1|u1|D-1|sms', ['L4#1']],
      ['2027-06-10|p1|u1|D0|email', ['L1#1']],
      ['2027-06-10|p1|u1|D0|sms', ['L1#1']],
      ['2027-06-10|p1|u2|D0|email', ['L3#1']],
      ['2027-06-10|p1|u2|D0|sms', ['L3#1']],
      ['2027-06-10|p2|u1|D0|email', ['L2#1']],
      ['2027-06-10|p2|u1|D0|sms', ['L2#1']],
    ]);
    expect(result).toEqual({
      status: 'swept',
      installments: 4,
      jobs: 7,
      readUnits: 0,
      slices: slicesOf('2027-06-10', h.rules).length,
    });
  });

  it('queues the jobs in batches of at most 10', async () => {
    // One due-index shard: the eleven borrowers are on one page of one slice.
    const h = harness(nineAm('2027-06-09'), loadRules({ schedule: { dueIndexShards: 1 } }));
    for (let n = 10; n < 21; n++) {
      const b = await addBorrower(h, { borrowerId: `u${n}` });
      await addLoan(h, `L${n}`, b);
    }
    await sweepReminders(h, '2027-06-09'); // D-1: one SMS job per borrower
    expect(h.queue.batches.map((b) => b.length)).toEqual([10, 1]);
    expect(h.queue.jobs.map((j) => j.borrowerId)).toEqual(Array.from({ length: 11 }, (_, i) => `u${i + 10}`));
  });

  it('publishes InstallmentDueSoon up to the due date, with what is owed', async () => {
    const { h } = await oneLoan('2027-06-09');
    await sweepReminders(h, '2027-06-09');
    const inst = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments[0];
    if (!inst) throw new Error('L1 has no installment');
    expect(h.events.events).toEqual([
      {
        type: 'InstallmentDueSoon',
        at: nineAm('2027-06-09').toISOString(),
        detail: {
          loanId: 'L1',
          partnerId: 'p1',
          borrowerId: 'u1',
          installmentNo: 1,
          dueDate: '2027-06-10',
          stage: 'D-1',
          amountOutstanding: outstanding(inst).total,
        },
      },
    ]);
  });

  it('publishes InstallmentDueSoon on the due date itself', async () => {
    const { h } = await oneLoan('2027-06-10');
    await sweepReminders(h, '2027-06-10');
    expect(h.events.events.map((e) => [e.type, e.detail.stage])).toEqual([['InstallmentDueSoon', 'D0']]);
  });

  it('counts the installments and jobs it swept', async () => {
    const { h } = await oneLoan('2027-06-09');
    const result = await sweepReminders(h, '2027-06-09');
    expect(result).toMatchObject({ status: 'swept', installments: 1, jobs: h.queue.jobs.length });
    expect(h.queue.jobs.length).toBeGreaterThan(0);
  });

  it('publishes InstallmentOverdue the day after the due date', async () => {
    const { h } = await oneLoan('2027-06-11');
    await sweepReminders(h, '2027-06-11');
    expect(h.events.events.map((e) => [e.type, e.detail.stage])).toEqual([['InstallmentOverdue', 'D+1']]);
  });

  it('finds the person overdue at D+1 whether or not the sweep ran', async () => {
    const { h, u1 } = await oneLoan('2027-06-11');
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual(['L1']);
  });

  it('does not find the person overdue on the due date', async () => {
    const { h, u1 } = await oneLoan('2027-06-10');
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual([]);
  });

  it('leaves alone, past the due date, an installment owing no more than the tolerance', async () => {
    const { h, u1 } = await oneLoan('2027-06-10');
    const inst = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments[0];
    if (!inst) throw new Error('L1 has no installment');
    const leftOver = h.rules.delinquency.arrearsToleranceFen - 50;
    await applyPayment(h, 'p1', 'L1', {
      paymentId: 'pay-1',
      amount: outstanding(inst).total - leftOver,
      paidAt: nineAm('2027-06-10').toISOString(),
    });
    h.events.events.length = 0;
    h.clock.set(nineAm('2027-06-11'));
    const result = await sweepReminders(h, '2027-06-11');
    expect(result).toMatchObject({ status: 'swept', installments: 0, jobs: 0 });
    expect(h.queue.jobs).toEqual([]);
    expect(h.events.events).toEqual([]);
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual([]);
  });

  it('runs each slice to its end in one go, page after page, queuing no continuation', async () => {
    // 12 installments due in one shard, read 10 to a page: the D0 slice takes two pages.
    const rules = loadRules({ contact: { sweepPageSize: 10 }, schedule: { dueIndexShards: 1 } });
    const h = harness(nineAm('2027-06-10'), rules);
    for (let n = 10; n < 22; n++) {
      const person = await addBorrower(h, {
        borrowerId: `u${n}`,
        idNumber: `ID-${n}`,
        phone: `+86137000000${n}`,
      });
      await addLoan(h, `L${n}`, person);
    }
    const result = await sweepReminders(h, '2027-06-10');
    expect(result).toMatchObject({
      status: 'swept',
      installments: 12,
      slices: slicesOf('2027-06-10', rules).length,
    });
  });

  it('does nothing on a second sweep of the same business date', async () => {
    const { h } = await oneLoan('2027-06-10');
    await sweepReminders(h, '2027-06-10');
    const batches = h.queue.batches.length;
    const published = h.events.events.length;
    h.clock.advance(3_600_000);
    const again = await sweepReminders(h, '2027-06-10');
    expect(again).toEqual({
      status: 'already-done',
      installments: 0,
      jobs: 0,
      readUnits: 0,
      slices: slicesOf('2027-06-10', h.rules).length,
    });
    expect(h.queue.batches).toHaveLength(batches);
    expect(h.events.events).toHaveLength(published);
  });

  it('sweeps the next business date as usual after one is done', async () => {
    const { h } = await oneLoan('2027-06-09');
    await sweepReminders(h, '2027-06-09');
    h.clock.set(nineAm('2027-06-10'));
    expect((await sweepReminders(h, '2027-06-10')).status).toBe('swept');
    expect(h.queue.jobs.map((j) => j.stage)).toEqual(['D-1', 'D0', 'D0']);
  });

  it('takes over a slice whose holder died once its lease has run out, and finishes it', async () => {
    const { h } = await oneLoan('2027-06-10');
    const slice = d0SliceOf(h, 'L1');
    // Another invocation began the slice and died before its first page.
    const died = await h.repos.sweepSlices.begin(
      slice.businessDate,
      sliceIdOf(slice),
      'dead-invocation',
      h.clock.now(),
      h.rules.contact.sweepSliceLeaseSeconds,
    );
    expect(died.kind).toBe('started');
    h.clock.advance(h.rules.contact.sweepSliceLeaseSeconds * 1000 + 1000);
    const result = await sweepReminders(h, '2027-06-10');
    expect(result).toMatchObject({ status: 'swept', installments: 1, jobs: 2 });
    expect(queued(h)).toEqual([
      ['2027-06-10|p1|u1|D0|email', ['L1#1']],
      ['2027-06-10|p1|u1|D0|sms', ['L1#1']],
    ]);
    const after = await h.repos.sweepSlices.begin(
      slice.businessDate,
      sliceIdOf(slice),
      'later',
      h.clock.now(),
      h.rules.contact.sweepSliceLeaseSeconds,
    );
    expect(after).toEqual({ kind: 'done', counts: { pages: 1, installments: 1, jobs: 2, readUnits: 0 } });
  });

  it('leaves a slice to the invocation holding its live lease: SliceBusy, nothing queued or published', async () => {
    const { h } = await oneLoan('2027-06-10');
    const slice = d0SliceOf(h, 'L1');
    await h.repos.sweepSlices.begin(
      slice.businessDate,
      sliceIdOf(slice),
      'live-invocation',
      h.clock.now(),
      h.rules.contact.sweepSliceLeaseSeconds,
    );
    h.clock.advance(h.rules.contact.sweepSliceLeaseSeconds * 1000 - 1000); // the lease has a second left
    const slices: SweepSlice[] = [];
    const run = runSweepSlice(
      { ...h, slices: { enqueue: async (more) => void slices.push(...more) } },
      slice,
      { owner: 'second-invocation', spent: () => false },
    );
    await expect(run).rejects.toBeInstanceOf(SliceBusy);
    const leaseEnd = new Date(nineAm('2027-06-10').getTime() + h.rules.contact.sweepSliceLeaseSeconds * 1000);
    await expect(run).rejects.toThrow(`slice ${sliceIdOf(slice)} is held until ${leaseEnd.toISOString()}`);
    // The whole day's sweep in one process meets the same slice and stops there too.
    await expect(sweepReminders(h, '2027-06-10')).rejects.toBeInstanceOf(SliceBusy);
    expect(h.queue.jobs).toEqual([]);
    expect(h.events.events).toEqual([]);
    expect(slices).toEqual([]);
  });

  it('with a workflow, starts the escalation of a loan whose grace ended yesterday, named by its episode', async () => {
    const { h } = await oneLoan('2027-06-14'); // 4 days past due: grace (3 days) ended yesterday
    const workflow = new RecordingWorkflow();
    // No reminder stage falls on D+4: the one installment counted is the escalation slice's.
    expect(await sweepReminders({ ...h, workflow }, '2027-06-14')).toMatchObject({
      installments: 1,
      jobs: 0,
    });
    expect(workflow.started.map((s) => s.name)).toEqual(['L1-e1']);
    expect(workflow.started[0]?.input).toMatchObject({ loanId: 'L1', episode: 1, next: 'D+4' });
    expect((await h.repos.loans.getLoan('L1'))?.escalation).toMatchObject({
      episode: 1,
      executionStartedAt: nineAm('2027-06-14').toISOString(),
    });
  });
});

describe('remindersOf: the arrears tolerance', () => {
  const rules = loadRules({ schedule: { dueIndexShards: 1 } });
  const tolerance = rules.delinquency.arrearsToleranceFen;
  /** The fixture loan's first installment (due 2027-06-10) with `left` fen of it unpaid. */
  const owing = (left: number) => {
    const [first] = loanFixture({ loanId: 'L1' }).installments;
    if (!first) throw new Error('no installment');
    return { ...first, principalPaid: first.principalDue - left, interestPaid: first.interestDue };
  };
  const stageSlice = (businessDate: string, stage: string) => {
    const slice = slicesOf(businessDate, rules).find((s) => s.stage === stage);
    if (!slice) throw new Error(`no ${stage} slice`);
    return slice;
  };
  const jobsFor = (businessDate: string, stage: string, left: number) =>
    remindersOf(stageSlice(businessDate, stage), [owing(left)], nineAm(businessDate), rules).jobs.length;

  it('reminds of an overdue installment owing one fen over the tolerance, not of one owing the tolerance', () => {
    expect(jobsFor('2027-06-11', 'D+1', tolerance + 1)).toBeGreaterThan(0);
    expect(jobsFor('2027-06-11', 'D+1', tolerance)).toBe(0);
  });

  it('refuses a slice naming a stage the rules do not have, by name', () => {
    const slice = { ...stageSlice('2027-06-09', 'D-1'), stage: 'D+99' };
    expect(() => remindersOf(slice, [owing(1)], nineAm('2027-06-09'), rules)).toThrow(
      'unknown reminder stage D+99',
    );
  });

  it('still reminds before and on the due date of an installment owing less than the tolerance', () => {
    expect(jobsFor('2027-06-09', 'D-1', 1)).toBeGreaterThan(0);
    expect(jobsFor('2027-06-10', 'D0', 1)).toBeGreaterThan(0);
  });
});
