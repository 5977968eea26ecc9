import type { EscalationState, LadderLoan } from '#shared/collection/ladder.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { InstallmentState, LocalDate } from '#shared/lending/types.ts';
import { loanFixture } from '../../fixtures/loans.ts';

/**
 * The pure core's shared fixtures: the fixture loan (due 2027-06-10, 2027-07-10, 2027-08-10, Shanghai,
 * UTC+8 with no DST, so 09:00 local is 01:00Z) and small builders around it.
 */
export const rules = defaultRules;
export const FIRST_DUE = '2027-06-10';
export const SECOND_DUE = '2027-07-10';

/** The instant the lender's wall clock shows `date` at `hhmm`. */
export function at(date: LocalDate, hhmm = '09:00'): Date {
  return instantAt(date, minuteOfDay(hhmm), rules.timezone);
}

/** The fixture's installments, nothing paid. */
export function unpaid(): InstallmentState[] {
  return loanFixture({ loanId: 'L1' }).installments;
}

/** The installments with the first one paid but for `leftFen` of its principal. */
export function firstPaidBut(leftFen: number): InstallmentState[] {
  return unpaid().map((i) =>
    i.installmentNo === 1
      ? { ...i, interestPaid: i.interestDue, feePaid: i.feeDue, principalPaid: i.principalDue - leftFen }
      : i,
  );
}

export function episode(over: Partial<EscalationState> = {}): EscalationState {
  return {
    episode: 1,
    rung: null,
    since: '2027-06-14T00:00:00.000Z',
    pausedUntil: null,
    executionStartedAt: '2027-06-14T00:00:00.000Z',
    ...over,
  };
}

/** An active loan with an open episode 1 (or as overridden). */
export function ladderLoan(over: Partial<LadderLoan> = {}): LadderLoan {
  return { status: 'active', escalation: episode(), ...over };
}

export function grantedPlan(startsOn: LocalDate, endsOn: LocalDate): HardshipPlan {
  return {
    planId: 'h1',
    status: 'granted',
    reason: 'illness',
    deferralDays: 30,
    requestedAt: `${startsOn}T01:00:00.000Z`,
    startsOn,
    endsOn,
    referralReasons: [],
  };
}
