import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { unpaidInstallments } from '#shared/lending/allocation.ts';
import {
  exposureOf,
  isOverdue,
  isUnderHardship,
  type LoanExposure,
  standingOf,
} from '#shared/lending/exposure.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { InstallmentState } from '#shared/lending/types.ts';
import { unpaidFixtureInstallments } from '../../fixtures/loans.ts';

const rules = defaultRules;
const tolerance = rules.delinquency.arrearsToleranceFen;

/** The fixture loan's three unpaid installments, due 2027-06-10, 07-10 and 08-10. */
const installments = () => unpaidFixtureInstallments(rules);

const paidInFull = (i: InstallmentState): InstallmentState => ({
  ...i,
  principalPaid: i.principalDue,
  interestPaid: i.interestDue,
  feePaid: i.feeDue,
});

function plan(status: HardshipPlan['status'], startsOn: string | null, endsOn: string | null): HardshipPlan {
  return {
    planId: `plan-${startsOn}`,
    status,
    reason: 'illness',
    deferralDays: 7,
    requestedAt: '2027-06-01T02:00:00Z',
    startsOn,
    endsOn,
    referralReasons: [],
  };
}

describe('exposureOf', () => {
  it('keeps the unpaid installments oldest first, with what is owed on each', () => {
    const [first, second, third] = installments();
    if (!first || !second || !third) throw new Error('three installments expected');
    const exposure = exposureOf({ partnerId: 'p1', status: 'active' }, [third, paidInFull(first), second]);
    expect(exposure).toEqual({
      partnerId: 'p1',
      unpaid: [
        { dueDate: second.dueDate, owed: second.amountDue },
        { dueDate: third.dueDate, owed: third.amountDue },
      ],
    });
  });

  it('sorts any number of unpaid installments by due date, from any order', () => {
    const six = unpaidInstallments(
      buildSchedule(
        {
          principal: 600_000,
          aprBps: 1800,
          termMonths: 6,
          repaymentMethod: 'equal_principal',
          disbursedOn: '2027-05-10',
        },
        rules,
      ),
    );
    const dates = six.map((i) => i.dueDate);
    for (const order of [[...six].reverse(), [six[3], six[0], six[5], six[1], six[4], six[2]]]) {
      const exposure = exposureOf({ partnerId: 'p1', status: 'active' }, order as InstallmentState[]);
      expect(exposure?.unpaid.map((u) => u.dueDate)).toEqual(dates);
    }
  });

  it('is null once the loan is paid off, or nothing is unpaid and no plan was granted', () => {
    expect(exposureOf({ partnerId: 'p1', status: 'paid_off' }, installments())).toBeNull();
    expect(exposureOf({ partnerId: 'p1', status: 'active' }, installments().map(paidInFull))).toBeNull();
  });

  it('keeps the last granted plan with dates, even with nothing unpaid', () => {
    const plans = [
      plan('granted', '2027-06-01', '2027-06-07'),
      plan('granted', '2027-07-01', '2027-07-14'),
      plan('referred', null, null),
      plan('granted', null, null),
    ];
    const exposure = exposureOf(
      { partnerId: 'p1', status: 'active', hardshipPlans: plans },
      installments().map(paidInFull),
    );
    expect(exposure).toEqual({
      partnerId: 'p1',
      unpaid: [],
      hardship: { startsOn: '2027-07-01', endsOn: '2027-07-14' },
    });
  });

  it('keeps a charged-off loan, which still owes', () => {
    expect(exposureOf({ partnerId: 'p1', status: 'charged_off' }, installments())?.unpaid).toHaveLength(3);
  });
});

describe('isOverdue', () => {
  const exposure = (owed: number): LoanExposure => ({
    partnerId: 'p1',
    unpaid: [
      { dueDate: '2027-06-10', owed },
      { dueDate: '2027-07-10', owed: 100_000 },
    ],
  });

  it('is overdue from the day after the due date, not on it', () => {
    expect(isOverdue(exposure(50_000), '2027-06-10', rules)).toBe(false);
    expect(isOverdue(exposure(50_000), '2027-06-11', rules)).toBe(true);
  });

  it('tolerates arrears up to the tolerance, and not a fen more', () => {
    expect(isOverdue(exposure(tolerance), '2027-06-11', rules)).toBe(false);
    expect(isOverdue(exposure(tolerance + 1), '2027-06-11', rules)).toBe(true);
  });

  it('adds up every installment past due against the tolerance', () => {
    const split: LoanExposure = {
      partnerId: 'p1',
      unpaid: [
        { dueDate: '2027-06-10', owed: tolerance },
        { dueDate: '2027-07-10', owed: 1 },
      ],
    };
    expect(isOverdue(split, '2027-07-10', rules)).toBe(false);
    expect(isOverdue(split, '2027-07-11', rules)).toBe(true);
  });
});

describe('isUnderHardship', () => {
  it('is under hardship from the first to the last day of the pause', () => {
    const exposure: LoanExposure = {
      partnerId: 'p1',
      unpaid: [],
      hardship: { startsOn: '2027-07-01', endsOn: '2027-07-14' },
    };
    expect(
      ['2027-06-30', '2027-07-01', '2027-07-14', '2027-07-15'].map((d) => isUnderHardship(exposure, d)),
    ).toEqual([false, true, true, false]);
    expect(isUnderHardship({ partnerId: 'p1', unpaid: [] }, '2027-07-01')).toBe(false);
  });
});

describe('standingOf', () => {
  it('lists the overdue loans and those under a plan, by loan id', () => {
    const overdue: LoanExposure = { partnerId: 'p1', unpaid: [{ dueDate: '2027-06-10', owed: 50_000 }] };
    const current: LoanExposure = { partnerId: 'p2', unpaid: [{ dueDate: '2027-08-10', owed: 50_000 }] };
    const paused: LoanExposure = { ...overdue, hardship: { startsOn: '2027-06-20', endsOn: '2027-07-20' } };
    expect(
      standingOf({ 'loan-c': overdue, 'loan-b': current, 'loan-a': paused }, '2027-07-01', rules),
    ).toEqual({
      overdueLoanIds: ['loan-a', 'loan-c'],
      hardshipLoanIds: ['loan-a'],
    });
  });
});
