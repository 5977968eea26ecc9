import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { DeferralTooLong, LifetimeDeferralExceeded, LoanNotActive } from '#shared/errors/domain-errors.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { exposureOf, isOverdue, isUnderHardship, type LoanExposure } from '#shared/lending/exposure.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { LoanWithInstallments } from '#shared/ports/records.ts';
import type { HardshipRequest } from '#shared/schemas/servicing.ts';
import {
  checkHardshipRequest,
  decideHardship,
  grantDeferral,
  referralReasons,
} from '#shared/servicing/decide-hardship.ts';
import { loanFixture } from '../../fixtures/loans.ts';

const rules = defaultRules;

/** Installments due 2027-06-10, 07-10 and 08-10, read at version 7, nothing paid. */
function loan(plans: HardshipPlan[] = []): LoanWithInstallments {
  return loanFixture({ loanId: 'L1', version: 7, ...(plans.length > 0 ? { hardshipPlans: plans } : {}) });
}

/** 10:00 in Shanghai on `date`. */
const at = (date: string) => new Date(`${date}T02:00:00.000Z`);

const ask = (deferralDays: number, reason: HardshipRequest['reason'] = 'illness'): HardshipRequest => ({
  reason,
  deferralDays,
});

function plan(status: HardshipPlan['status'], deferralDays: number, startsOn: string | null): HardshipPlan {
  return {
    planId: `old-${status}-${startsOn}`,
    status,
    reason: 'illness',
    deferralDays,
    requestedAt: `${startsOn ?? '2025-01-01'}T02:00:00.000Z`,
    startsOn: status === 'granted' ? startsOn : null,
    endsOn: status === 'granted' && startsOn ? addDays(startsOn, deferralDays - 1) : null,
    referralReasons: status === 'granted' ? [] : ['REASON_NEEDS_REVIEW'],
  };
}

/** Marks installment `no` fully paid. */
function paid(current: LoanWithInstallments, no: number): LoanWithInstallments {
  return {
    ...current,
    installments: current.installments.map((i) =>
      i.installmentNo === no
        ? { ...i, principalPaid: i.principalDue, interestPaid: i.interestDue, paidOn: i.dueDate }
        : i,
    ),
  };
}

describe('checkHardshipRequest', () => {
  it('accepts a deferral of the per-plan maximum and refuses one day more with DeferralTooLong', () => {
    expect(() => checkHardshipRequest(ask(30), rules)).not.toThrow();
    expect(() => checkHardshipRequest(ask(31), rules)).toThrow(DeferralTooLong);
    expect(() => checkHardshipRequest(ask(31), rules)).toThrow('at most 30 days');
  });

  it('follows the configured per-plan maximum', () => {
    const short = loadRules({ hardship: { maxDeferralDaysPerPlan: 10 } });
    expect(() => checkHardshipRequest(ask(10), short)).not.toThrow();
    expect(() => checkHardshipRequest(ask(11), short)).toThrow(DeferralTooLong);
  });
});

describe('decideHardship: refusals', () => {
  it('refuses a deferral over the per-plan maximum with DeferralTooLong', () => {
    expect(() => decideHardship(loan(), ask(31), 'hs-1', at('2027-06-05'), rules)).toThrow(DeferralTooLong);
  });

  it('checks the deferral length before the loan status', () => {
    const current = loan();
    current.loan.status = 'paid_off';
    expect(() => decideHardship(current, ask(31), 'hs-1', at('2027-06-05'), rules)).toThrow(DeferralTooLong);
  });

  it('refuses a loan that is paid off or charged off with LoanNotActive', () => {
    for (const status of ['paid_off', 'charged_off'] as const) {
      const current = loan();
      current.loan.status = status;
      const decide = () => decideHardship(current, ask(10), 'hs-1', at('2027-06-05'), rules);
      expect(decide).toThrow(LoanNotActive);
      expect(decide).toThrow(`the loan is ${status}`);
    }
  });

  it('grants a request that brings the lifetime total exactly to the limit', () => {
    const current = loan([plan('granted', 30, '2024-01-10'), plan('granted', 30, '2025-02-10')]);
    const d = decideHardship(current, ask(30), 'hs-1', at('2027-06-05'), rules);
    expect(d.plan.status).toBe('granted');
  });

  it('refuses a request that takes the lifetime total one day over the limit', () => {
    const current = loan([plan('granted', 30, '2024-01-10'), plan('granted', 31, '2025-02-10')]);
    const decide = () => decideHardship(current, ask(30), 'hs-1', at('2027-06-05'), rules);
    expect(decide).toThrow(LifetimeDeferralExceeded);
    expect(decide).toThrow('61 of 90 lifetime deferral days');
  });

  it('refuses any further day once the lifetime limit is used', () => {
    const current = loan([
      plan('granted', 30, '2023-01-10'),
      plan('granted', 30, '2024-02-10'),
      plan('granted', 30, '2025-03-10'),
    ]);
    const decide = () => decideHardship(current, ask(1), 'hs-1', at('2027-06-05'), rules);
    expect(decide).toThrow(LifetimeDeferralExceeded);
    expect(decide).toThrow('90 of 90');
  });

  it('counts only granted plans toward the lifetime limit, not referred ones', () => {
    const current = loan([
      plan('referred', 30, null),
      plan('referred', 30, null),
      plan('referred', 30, null),
      plan('granted', 30, '2025-03-10'),
    ]);
    expect(decideHardship(current, ask(30), 'hs-1', at('2027-06-05'), rules).plan.status).toBe('granted');
  });
});

describe('decideHardship: auto-grant', () => {
  it('grants an illness deferral: the plan runs deferralDays from today', () => {
    const d = decideHardship(loan(), ask(30), 'hs-1', at('2027-06-05'), rules);
    expect(d.plan).toEqual({
      planId: 'hs-1',
      status: 'granted',
      reason: 'illness',
      deferralDays: 30,
      requestedAt: '2027-06-05T02:00:00.000Z',
      startsOn: '2027-06-05',
      endsOn: '2027-07-04',
      referralReasons: [],
    });
  });

  it("takes today in the lender's zone (01:00 Shanghai is still the day before in UTC)", () => {
    const d = decideHardship(loan(), ask(10), 'hs-1', new Date('2027-06-04T17:00:00.000Z'), rules);
    expect(d.plan.startsOn).toBe('2027-06-05');
    expect(d.plan.endsOn).toBe('2027-06-14');
  });

  it('moves every unpaid installment by deferralDays', () => {
    const d = decideHardship(loan(), ask(30), 'hs-1', at('2027-06-05'), rules);
    expect(d.installments.map((i) => [i.installmentNo, i.dueDate])).toEqual([
      [1, '2027-07-10'],
      [2, '2027-08-09'],
      [3, '2027-09-09'],
    ]);
  });

  it('leaves a paid installment on its date and moves a partly paid one', () => {
    let current = paid(loan(), 1);
    current = {
      ...current,
      installments: current.installments.map((i) =>
        i.installmentNo === 2 ? { ...i, interestPaid: 100 } : i,
      ),
    };
    const d = decideHardship(current, ask(20), 'hs-1', at('2027-06-20'), rules);
    expect(d.installments.map((i) => [i.installmentNo, i.dueDate])).toEqual([
      [1, '2027-06-10'],
      [2, '2027-07-30'],
      [3, '2027-08-30'],
    ]);
  });

  it('changes nothing on the installments but their due dates before any penalty is due', () => {
    const current = loan();
    const d = decideHardship(current, ask(15), 'hs-1', at('2027-06-05'), rules);
    expect(d.installments).toEqual(
      current.installments.map((i) => ({ ...i, dueDate: addDays(i.dueDate, 15) })),
    );
  });

  it('keeps the penalty accrued up to today on the re-dated installments', () => {
    // 2027-07-01: 21 days past the 2027-06-10 due date, penalty from 2027-06-14.
    const d = decideHardship(loan(), ask(30), 'hs-1', at('2027-07-01'), rules);
    expect(d.installments[0]?.penaltyAccrued).toBeGreaterThan(0);
    expect(d.installments[0]?.penaltyAccruedThrough).toBe('2027-07-01');
  });

  it('emits HardshipGranted with the plan', () => {
    const d = decideHardship(loan(), ask(30, 'epidemic'), 'hs-1', at('2027-06-05'), rules);
    expect(d.events).toEqual([
      {
        type: 'HardshipGranted',
        at: '2027-06-05T02:00:00.000Z',
        detail: {
          loanId: 'L1',
          partnerId: 'p-demo',
          borrowerId: 'u1',
          planId: 'hs-1',
          reason: 'epidemic',
          deferralDays: 30,
          startsOn: '2027-06-05',
          endsOn: '2027-07-04',
        },
      },
    ]);
  });

  it('appends the plan to the loan after its earlier plans, at the version read', () => {
    const older = plan('referred', 10, null);
    const d = decideHardship(loan([older]), ask(30), 'hs-1', at('2027-06-05'), rules);
    expect(d.loan.hardshipPlans).toEqual([older, d.plan]);
    expect(d.expectedVersion).toBe(7);
    expect(d.loan.status).toBe('active');
  });

  it('grants at exactly the auto-grant DPD limit (30 days)', () => {
    const d = decideHardship(loan(), ask(30), 'hs-1', at('2027-07-10'), rules);
    expect(d.plan.status).toBe('granted');
  });

  it('grants when the last granted plan started exactly minMonthsBetweenDeferrals ago', () => {
    const d = decideHardship(
      loan([plan('granted', 10, '2026-06-05')]),
      ask(10),
      'hs-1',
      at('2027-06-05'),
      rules,
    );
    expect(d.plan.status).toBe('granted');
  });
});

describe('grantDeferral of a plan the desk decides', () => {
  it('replaces the referred plan of the same id in its place, leaving the other plans as they were', () => {
    const earlier = plan('granted', 10, '2026-01-05');
    const referred = plan('referred', 20, null);
    const later = plan('referred', 5, null);
    const current = loan([earlier, referred, { ...later, planId: 'other-referred' }]);
    const decided = { ...referred, decidedAt: '2027-06-12T02:00:00.000Z', decidedBy: 'sup-1' };
    const { loan: granted, plan: grant } = grantDeferral(current, decided, at('2027-06-12'), rules);
    expect(grant).toMatchObject({ planId: referred.planId, status: 'granted', startsOn: '2027-06-12' });
    expect(granted.hardshipPlans).toEqual([earlier, grant, { ...later, planId: 'other-referred' }]);
  });
});

describe('decideHardship: the person’s exposure after a grant', () => {
  const overdueAfter = (d: ReturnType<typeof decideHardship>) =>
    isOverdue(exposureOf(d.loan, d.installments) as LoanExposure, '2027-07-01', rules);

  it('is not overdue when the new dates leave nothing past due', () => {
    // 21 days past due; 30 days move the 2027-06-10 installment to 2027-07-10.
    expect(overdueAfter(decideHardship(loan(), ask(30), 'hs-1', at('2027-07-01'), rules))).toBe(false);
  });

  it('is still overdue when an installment is past due on its new date', () => {
    // 10 days move it only to 2027-06-20, still before 2027-07-01.
    expect(overdueAfter(decideHardship(loan(), ask(10), 'hs-1', at('2027-07-01'), rules))).toBe(true);
  });

  it('carries the plan’s pause, which refers new applications while it lasts', () => {
    const d = decideHardship(loan(), ask(30), 'hs-1', at('2027-07-01'), rules);
    const exposure = exposureOf(d.loan, d.installments) as LoanExposure;
    expect(exposure.hardship).toEqual({ startsOn: d.plan.startsOn, endsOn: d.plan.endsOn });
    expect(isUnderHardship(exposure, '2027-07-01')).toBe(true);
    expect(isUnderHardship(exposure, addDays(d.plan.endsOn as string, 1))).toBe(false);
  });
});

describe('decideHardship: referral', () => {
  it('refers a reason that is not auto-granted with REASON_NEEDS_REVIEW, re-dating nothing', () => {
    for (const reason of ['unemployment', 'other'] as const) {
      const d = decideHardship(loan(), ask(30, reason), 'hs-1', at('2027-06-05'), rules);
      expect(d.plan).toEqual({
        planId: 'hs-1',
        status: 'referred',
        reason,
        deferralDays: 30,
        requestedAt: '2027-06-05T02:00:00.000Z',
        startsOn: null,
        endsOn: null,
        referralReasons: ['REASON_NEEDS_REVIEW'],
      });
      expect(d.installments).toEqual([]);
      expect(d.events).toEqual([
        {
          type: 'HardshipReferred',
          at: '2027-06-05T02:00:00.000Z',
          detail: {
            loanId: d.loan.loanId,
            partnerId: d.loan.partnerId,
            borrowerId: d.loan.borrowerId,
            planId: 'hs-1',
            reason,
            deferralDays: 30,
            referralReasons: ['REASON_NEEDS_REVIEW'],
          },
        },
      ]);
      expect(d.loan.hardshipPlans).toEqual([d.plan]);
    }
  });

  it('refers a loan more than maxAutoGrantDpd past due with DPD_ABOVE_LIMIT', () => {
    const d = decideHardship(loan(), ask(30), 'hs-1', at('2027-07-11'), rules);
    expect(d.plan.status).toBe('referred');
    expect(d.plan.referralReasons).toEqual(['DPD_ABOVE_LIMIT']);
    expect(d.installments).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual(['HardshipReferred']);
  });

  it('refers a request within minMonthsBetweenDeferrals of a granted plan with RECENT_DEFERRAL', () => {
    const current = loan([plan('granted', 10, '2026-06-06')]);
    const d = decideHardship(current, ask(10), 'hs-1', at('2027-06-05'), rules);
    expect(d.plan.referralReasons).toEqual(['RECENT_DEFERRAL']);
    expect(d.installments).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual(['HardshipReferred']);
  });

  it('does not count a recent referred plan as a recent deferral', () => {
    const referred = { ...plan('referred', 10, null), requestedAt: '2027-05-01T02:00:00.000Z' };
    expect(decideHardship(loan([referred]), ask(10), 'hs-1', at('2027-06-05'), rules).plan.status).toBe(
      'granted',
    );
  });

  it('lists every reason that applies, in order', () => {
    const current = loan([plan('granted', 10, '2027-01-01')]);
    const d = decideHardship(current, ask(10, 'unemployment'), 'hs-1', at('2027-07-20'), rules);
    expect(d.plan.referralReasons).toEqual(['REASON_NEEDS_REVIEW', 'DPD_ABOVE_LIMIT', 'RECENT_DEFERRAL']);
  });
});

describe('referralReasons', () => {
  const today = '2027-06-05';

  it('is empty for an auto-grant reason, DPD at the limit and no recent plan', () => {
    expect(referralReasons(ask(10), 30, [], today, rules)).toEqual([]);
  });

  it('names DPD_ABOVE_LIMIT one day over the limit', () => {
    expect(referralReasons(ask(10), 31, [], today, rules)).toEqual(['DPD_ABOVE_LIMIT']);
  });

  it('follows the configured auto-grant reasons and DPD limit', () => {
    const custom = loadRules({ hardship: { autoGrantReasons: ['unemployment'], maxAutoGrantDpd: 5 } });
    expect(referralReasons(ask(10, 'unemployment'), 5, [], today, custom)).toEqual([]);
    expect(referralReasons(ask(10, 'illness'), 6, [], today, custom)).toEqual([
      'REASON_NEEDS_REVIEW',
      'DPD_ABOVE_LIMIT',
    ]);
  });

  it('names RECENT_DEFERRAL for a granted plan that started after the window opened', () => {
    expect(referralReasons(ask(10), 0, [plan('granted', 10, '2026-06-06')], today, rules)).toEqual([
      'RECENT_DEFERRAL',
    ]);
    expect(referralReasons(ask(10), 0, [plan('granted', 10, '2026-06-05')], today, rules)).toEqual([]);
  });
});
