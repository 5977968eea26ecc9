import { describe, expect, it } from 'vitest';
import {
  callCapAllows,
  type DeskTaskState,
  decideClaim,
  decideOutcome,
  decideRelease,
  promiseRefusal,
} from '#shared/collection/desk-task.ts';
import type { InstallmentState } from '#shared/lending/types.ts';

const now = new Date('2030-06-15T02:00:00.000Z');
const open: DeskTaskState = { taskId: 't1', status: 'open' };
const heldBy = (agentId: string, leaseUntil: string): DeskTaskState => ({
  ...open,
  claimedBy: agentId,
  leaseUntil,
});

describe('a lease with no holder', () => {
  it('holds nothing: anyone may claim it, and nobody may release it', () => {
    const orphanLease: DeskTaskState = { ...open, leaseUntil: '2030-06-15T03:00:00.000Z' };
    expect(decideClaim(orphanLease, 'agent-2', now, 30).kind).toBe('claim');
    expect(decideRelease(orphanLease, 'agent-2', now)).toEqual({ kind: 'not_holder' });
  });
});

describe('decideClaim', () => {
  it('claims an open task for the lease', () => {
    expect(decideClaim(open, 'a1', now, 30)).toEqual({
      kind: 'claim',
      leaseUntil: '2030-06-15T02:30:00.000Z',
    });
  });

  it('refuses another agent while the lease holds, to the millisecond', () => {
    const task = heldBy('a1', '2030-06-15T02:00:00.001Z');
    expect(decideClaim(task, 'a2', now, 30)).toEqual({
      kind: 'held',
      leaseUntil: '2030-06-15T02:00:00.001Z',
    });
  });

  it('hands the task to another agent once the lease is over (at its end exactly)', () => {
    const task = heldBy('a1', '2030-06-15T02:00:00.000Z');
    expect(decideClaim(task, 'a2', now, 30)).toEqual({
      kind: 'claim',
      leaseUntil: '2030-06-15T02:30:00.000Z',
    });
  });

  it('extends the lease for the agent who holds it', () => {
    const task = heldBy('a1', '2030-06-15T02:10:00.000Z');
    expect(decideClaim(task, 'a1', now, 30)).toEqual({
      kind: 'claim',
      leaseUntil: '2030-06-15T02:30:00.000Z',
    });
  });

  it('never hands out a done task', () => {
    expect(decideClaim({ ...open, status: 'done' }, 'a1', now, 30)).toEqual({ kind: 'done' });
  });
});

describe('decideRelease', () => {
  it('lets the holder give the task back', () => {
    expect(decideRelease(heldBy('a1', '2030-06-15T02:10:00.000Z'), 'a1', now)).toEqual({ kind: 'release' });
  });

  it('refuses anyone else, a lapsed lease, an open task and a done one', () => {
    expect(decideRelease(heldBy('a1', '2030-06-15T02:10:00.000Z'), 'a2', now).kind).toBe('not_holder');
    expect(decideRelease(heldBy('a1', '2030-06-15T02:00:00.000Z'), 'a1', now).kind).toBe('not_holder');
    expect(decideRelease(open, 'a1', now).kind).toBe('not_holder');
    expect(decideRelease({ ...open, status: 'done' }, 'a1', now).kind).toBe('done');
  });
});

describe('callCapAllows (3 agent calls per borrower per day)', () => {
  it('allows the first three tasks and refuses a fourth', () => {
    expect(callCapAllows([], 't1', 3)).toBe(true);
    expect(callCapAllows(['t1', 't2'], 't3', 3)).toBe(true);
    expect(callCapAllows(['t1', 't2', 't3'], 't4', 3)).toBe(false);
  });

  it('does not count a task already counted today twice', () => {
    expect(callCapAllows(['t1', 't2', 't3'], 't2', 3)).toBe(true);
  });

  it('refuses every task under a cap of 0', () => {
    expect(callCapAllows([], 't1', 0)).toBe(false);
  });
});

function installment(no: number, dueDate: string, amountDue: number, paid = 0): InstallmentState {
  return {
    installmentNo: no,
    dueDate,
    principalDue: amountDue - 100,
    interestDue: 100,
    feeDue: 0,
    amountDue,
    principalPaid: paid,
    interestPaid: 0,
    feePaid: 0,
    penaltyAccrued: 0,
    penaltyPaid: 0,
    penaltyAccruedThrough: null,
  };
}

describe('promiseRefusal', () => {
  const today = '2030-06-15';
  const schedule = [
    installment(1, '2030-05-01', 50_000, 20_000),
    installment(2, '2030-06-01', 50_000),
    installment(3, '2030-07-01', 10_000),
  ];

  it('accepts a date from today to 14 days ahead, for the smallest past-due installment part', () => {
    expect(promiseRefusal({ date: today, amount: 30_000 }, today, schedule, 14)).toBeUndefined();
    expect(promiseRefusal({ date: '2030-06-29', amount: 30_000 }, today, schedule, 14)).toBeUndefined();
  });

  it('refuses a date in the past and one over 14 days ahead', () => {
    expect(promiseRefusal({ date: '2030-06-14', amount: 30_000 }, today, schedule, 14)).toEqual({
      kind: 'promise_date_past',
      earliest: today,
    });
    expect(promiseRefusal({ date: '2030-06-30', amount: 30_000 }, today, schedule, 14)).toEqual({
      kind: 'promise_date_too_far',
      latest: '2030-06-29',
    });
  });

  it('refuses an amount under what one past-due installment still owes (not counting those not yet due)', () => {
    expect(promiseRefusal({ date: today, amount: 29_999 }, today, schedule, 14)).toEqual({
      kind: 'promise_amount_too_small',
      minimum: 30_000,
    });
  });

  it('leaves out a past-due installment already paid in full', () => {
    const paidFirst = [installment(1, '2030-05-01', 50_000, 49_900), ...schedule.slice(1)];
    // Installment 1 owes nothing (49,900 principal + 100 interest paid): the smallest part is 50,000.
    const withInterestPaid = paidFirst.map((i) => (i.installmentNo === 1 ? { ...i, interestPaid: 100 } : i));
    expect(promiseRefusal({ date: today, amount: 49_999 }, today, withInterestPaid, 14)).toEqual({
      kind: 'promise_amount_too_small',
      minimum: 50_000,
    });
  });

  it('accepts any positive amount with nothing past due', () => {
    expect(
      promiseRefusal({ date: today, amount: 1 }, today, [installment(1, today, 50_000)], 14),
    ).toBeUndefined();
  });
});

describe('decideOutcome', () => {
  const held = heldBy('a1', '2030-06-15T02:10:00.000Z');

  it('records the holder’s outcome', () => {
    expect(decideOutcome(held, 'a1', now, undefined)).toEqual({ kind: 'record' });
  });

  it('refuses an agent without the lease, a lapsed lease and a done task', () => {
    expect(decideOutcome(held, 'a2', now, undefined).kind).toBe('not_holder');
    expect(decideOutcome(heldBy('a1', now.toISOString()), 'a1', now, undefined).kind).toBe('not_holder');
    expect(decideOutcome({ ...held, status: 'done' }, 'a1', now, undefined).kind).toBe('done');
  });

  it('refuses a promise outside the rules', () => {
    const promise = {
      input: { date: '2030-07-15', amount: 1 },
      today: '2030-06-15',
      installments: [],
      maxDaysAhead: 14,
    };
    expect(decideOutcome(held, 'a1', now, promise)).toEqual({
      kind: 'promise',
      refusal: { kind: 'promise_date_too_far', latest: '2030-06-29' },
    });
  });
});
