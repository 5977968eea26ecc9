import { describe, expect, it } from 'vitest';
import {
  allChannelsOptedOut,
  allChannelsOptedOutWarning,
  hardshipWarning,
  loansAtOtherPartners,
  overdueElsewhereWarning,
  paymentWarnings,
  undeliverableWarning,
  watchAfterDay,
} from '#shared/collection/early-warning.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { InstallmentState } from '#shared/lending/types.ts';

const rules = defaultRules;

/** A 1,000-fen installment due on `dueDate`, with `paid` of it paid (fully paid on `paidOn`). */
const inst = (installmentNo: number, dueDate: string, paid = 0, paidOn?: string) =>
  ({
    installmentNo,
    dueDate,
    principalDue: 1000,
    interestDue: 0,
    feeDue: 0,
    amountDue: 1000,
    principalPaid: paid,
    interestPaid: 0,
    feePaid: 0,
    penaltyAccrued: 0,
    penaltyPaid: 0,
    penaltyAccruedThrough: null,
    ...(paidOn ? { paidOn } : {}),
  }) as InstallmentState & { paidOn?: string };

describe('payment signals', () => {
  it('raises PARTIAL_PAYMENT when a payment leaves an installment already due part paid', () => {
    const before = [inst(1, '2027-08-01'), inst(2, '2027-09-01')];
    const after = [inst(1, '2027-08-01', 400), inst(2, '2027-09-01')];
    expect(paymentWarnings('L1', before, after, '2027-08-02', rules)).toEqual([
      {
        code: 'PARTIAL_PAYMENT',
        loanId: 'L1',
        occurrence: 'installment-1-2027-08-01',
        raisedOn: '2027-08-02',
      },
    ]);
  });

  it('does not raise PARTIAL_PAYMENT for a part paid ahead of the due date', () => {
    const before = [inst(1, '2027-08-01')];
    expect(paymentWarnings('L1', before, [inst(1, '2027-08-01', 400)], '2027-07-20', rules)).toEqual([]);
  });

  it('raises nothing on a loan past its grace days: the ladder has it', () => {
    const before = [inst(1, '2027-08-01')];
    expect(paymentWarnings('L1', before, [inst(1, '2027-08-01', 400)], '2027-08-10', rules)).toEqual([]);
  });

  it('raises LATE_IN_GRACE_TWICE only when the installment before was paid in grace too', () => {
    const firstInGrace = inst(1, '2027-08-01', 1000, '2027-08-03');
    const firstOnTime = inst(1, '2027-08-01', 1000, '2027-08-01');
    const second = [inst(2, '2027-09-01')];
    const paidSecond = inst(2, '2027-09-01', 1000, '2027-09-02');
    expect(
      paymentWarnings('L1', [firstInGrace, ...second], [firstInGrace, paidSecond], '2027-09-02', rules),
    ).toEqual([
      {
        code: 'LATE_IN_GRACE_TWICE',
        loanId: 'L1',
        occurrence: 'installment-2-2027-09-01',
        raisedOn: '2027-09-02',
      },
    ]);
    expect(
      paymentWarnings('L1', [firstOnTime, ...second], [firstOnTime, paidSecond], '2027-09-02', rules),
    ).toEqual([]);
  });

  it('raises PARTIAL_PAYMENT for a part payment made on the due date itself', () => {
    const before = [inst(1, '2027-08-01')];
    expect(paymentWarnings('L1', before, [inst(1, '2027-08-01', 400)], '2027-08-01', rules)).toEqual([
      {
        code: 'PARTIAL_PAYMENT',
        loanId: 'L1',
        occurrence: 'installment-1-2027-08-01',
        raisedOn: '2027-08-01',
      },
    ]);
  });

  it('raises nothing for an installment the payment left as it was, even one due and part paid', () => {
    const partPaid = inst(1, '2027-08-01', 400);
    const before = [partPaid, inst(2, '2027-09-01')];
    const after = [partPaid, inst(2, '2027-09-01', 300)];
    expect(paymentWarnings('L1', before, after, '2027-08-02', rules)).toEqual([]);
  });

  it('does not count an installment paid past its grace days as the first of two late in grace', () => {
    const graceDays = rules.delinquency.graceDays;
    const firstPastGrace = inst(1, '2027-08-01', 1000, addDays('2027-08-01', graceDays + 1));
    const firstOnLastGraceDay = inst(1, '2027-08-01', 1000, addDays('2027-08-01', graceDays));
    const second = inst(2, '2027-09-01');
    const paidSecond = inst(2, '2027-09-01', 1000, '2027-09-02');
    expect(
      paymentWarnings('L1', [firstPastGrace, second], [firstPastGrace, paidSecond], '2027-09-02', rules),
    ).toEqual([]);
    expect(
      paymentWarnings(
        'L1',
        [firstOnLastGraceDay, second],
        [firstOnLastGraceDay, paidSecond],
        '2027-09-02',
        rules,
      ).map((w) => w.code),
    ).toEqual(['LATE_IN_GRACE_TWICE']);
  });

  it('raises LATE_IN_GRACE_TWICE only for a payment that settles the installment, in its grace days', () => {
    const firstInGrace = inst(1, '2027-08-01', 1000, '2027-08-03');
    const second = inst(2, '2027-09-01');
    // Paid in full ahead of its due date: on time, whatever the installment before did.
    const paidEarly = inst(2, '2027-09-01', 1000, '2027-08-25');
    expect(
      paymentWarnings('L1', [firstInGrace, second], [firstInGrace, paidEarly], '2027-08-25', rules),
    ).toEqual([]);
    // Part paid in its grace days: a partial payment, not yet late in grace.
    const partPaid = inst(2, '2027-09-01', 400);
    expect(
      paymentWarnings('L1', [firstInGrace, second], [firstInGrace, partPaid], '2027-09-02', rules).map(
        (w) => w.code,
      ),
    ).toEqual(['PARTIAL_PAYMENT']);
  });
});

describe('hardship signal', () => {
  it('is raised on a loan current or in grace, named by the plan, and not on one past grace', () => {
    expect(hardshipWarning('L1', 'hs-1', [inst(1, '2027-08-01')], '2027-08-03', rules)).toEqual([
      { code: 'HARDSHIP_REQUESTED', loanId: 'L1', occurrence: 'hs-1', raisedOn: '2027-08-03' },
    ]);
    expect(hardshipWarning('L1', 'hs-1', [inst(1, '2027-08-01')], '2027-08-06', rules)).toEqual([]);
  });
});

describe('watchlist clearing', () => {
  const days = rules.earlyWarning.clearAfterCurrentDays;
  it('starts the count on the first current day and clears after the configured days', () => {
    expect(watchAfterDay({}, true, '2027-08-01', rules)).toEqual({
      action: 'mark_current',
      since: '2027-08-01',
    });
    expect(watchAfterDay({ currentSince: '2027-08-01' }, true, '2027-10-29', rules)).toEqual({
      action: 'keep',
    });
    expect(days).toBe(90);
    expect(watchAfterDay({ currentSince: '2027-08-01' }, true, '2027-10-30', rules)).toEqual({
      action: 'clear',
    });
  });

  it('starts the count again when the loan falls past due', () => {
    expect(watchAfterDay({ currentSince: '2027-08-01' }, false, '2027-08-20', rules)).toEqual({
      action: 'reset',
    });
    expect(watchAfterDay({}, false, '2027-08-20', rules)).toEqual({ action: 'keep' });
  });
});

describe('OVERDUE_ELSEWHERE', () => {
  const pastDue = { loanId: 'L-b', partnerId: 'p-b', identityHash: 'h', since: '2027-08-01' };
  const exposure = (partnerId: string) => ({ partnerId, unpaid: [] });

  it('looks only at the person’s loans at other partners', () => {
    const loans = {
      'L-b': exposure('p-b'),
      'L-b2': exposure('p-b'),
      'L-a': exposure('p-a'),
      'L-c': exposure('p-c'),
    };
    expect(loansAtOtherPartners(pastDue, loans)).toEqual(['L-a', 'L-c']);
  });

  it('names the other loans in id order, whatever order the identity item keeps them in', () => {
    const loans = { 'L-c': exposure('p-c'), 'L-b': exposure('p-b'), 'L-a': exposure('p-a') };
    expect(loansAtOtherPartners(pastDue, loans)).toEqual(['L-a', 'L-c']);
  });

  it('raises on a loan current or in grace, named by the other loan’s spell', () => {
    expect(overdueElsewhereWarning('L-a', pastDue, [inst(1, '2027-08-10')], '2027-08-02', rules)).toEqual([
      { code: 'OVERDUE_ELSEWHERE', loanId: 'L-a', occurrence: 'L-b-2027-08-01', raisedOn: '2027-08-02' },
    ]);
    const lastGraceDay = addDays('2027-07-25', rules.delinquency.graceDays);
    expect(
      overdueElsewhereWarning('L-a', pastDue, [inst(1, '2027-07-25')], lastGraceDay, rules),
    ).toHaveLength(1);
  });

  it('raises nothing on a loan already past its grace (the ladder has it)', () => {
    const pastGrace = addDays('2027-07-25', rules.delinquency.graceDays + 1);
    expect(overdueElsewhereWarning('L-a', pastDue, [inst(1, '2027-07-25')], pastGrace, rules)).toEqual([]);
  });
});

describe('ALL_CHANNELS_OPTED_OUT', () => {
  it('holds when SMS is opted out and email is too, or was never given', () => {
    expect(allChannelsOptedOut({ optOut: ['sms'], hasEmail: false })).toBe(true);
    expect(allChannelsOptedOut({ optOut: ['sms', 'email'], hasEmail: true })).toBe(true);
    expect(allChannelsOptedOut({ optOut: ['sms'], hasEmail: true })).toBe(false);
    expect(allChannelsOptedOut({ optOut: ['email'], hasEmail: true })).toBe(false);
    expect(allChannelsOptedOut({ optOut: [], hasEmail: false })).toBe(false);
  });

  it('warns a loan current or in grace, named by the day of the opt-out, and not one past grace', () => {
    expect(
      allChannelsOptedOutWarning('L1', [inst(1, '2027-08-10')], '2027-08-02', '2027-08-01', rules),
    ).toEqual([
      {
        code: 'ALL_CHANNELS_OPTED_OUT',
        loanId: 'L1',
        occurrence: 'opted-out-2027-08-01',
        raisedOn: '2027-08-02',
      },
    ]);
    const pastGrace = addDays('2027-07-25', rules.delinquency.graceDays + 1);
    expect(allChannelsOptedOutWarning('L1', [inst(1, '2027-07-25')], pastGrace, pastGrace, rules)).toEqual(
      [],
    );
  });
});

describe('UNDELIVERABLE', () => {
  it('warns a loan current or in grace on the day the carrier refused the number', () => {
    expect(undeliverableWarning('L1', [inst(1, '2027-08-10')], '2027-08-02', rules)).toEqual([
      { code: 'UNDELIVERABLE', loanId: 'L1', occurrence: 'sms-refused-2027-08-02', raisedOn: '2027-08-02' },
    ]);
    const lastInGrace = addDays('2027-07-25', rules.delinquency.graceDays);
    expect(undeliverableWarning('L1', [inst(1, '2027-07-25')], lastInGrace, rules)).toHaveLength(1);
  });

  it('leaves a loan past grace to the ladder', () => {
    const pastGrace = addDays('2027-07-25', rules.delinquency.graceDays + 1);
    expect(undeliverableWarning('L1', [inst(1, '2027-07-25')], pastGrace, rules)).toEqual([]);
  });
});
