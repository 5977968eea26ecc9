import type { Rules } from '#shared/config/rules.ts';
import type { ReasonCode } from './reasons.ts';
import type { ScorecardInput } from './scorecard.ts';

export interface GateInput extends ScorecardInput {
  /** Overdue on any loan in the system under the same national ID, across partners. */
  overdueExisting: boolean;
  hardshipActive: boolean;
  /** The person's behaviour across partners, when they have borrowed here before (`behaviour.ts`). */
  behaviour?: BehaviourStanding;
  /** The amount an offer would lend (the request, bounded by income and the product's maximum). */
  offerAmount?: number;
}

export interface BehaviourStanding {
  /** A promise broken in the suspension window. */
  suspended: boolean;
  /** Credit limit across partners. */
  limit: number;
  /** What the person still owes on their loans at every partner. */
  outstanding: number;
}

export interface GateResult {
  /** Hard declines, in the order of `rules.scoring` (overdue first). */
  declines: ReasonCode[];
  /** Reasons that refer the application to a person instead of deciding it. */
  refers: ReasonCode[];
}

/** The hard policy gates, checked before the scorecard; the first decline is the headline reason. */
export function checkGates(input: GateInput, rules: Rules): GateResult {
  const s = rules.scoring;
  const declines: ReasonCode[] = [];
  if (input.overdueExisting) declines.push('OVERDUE_EXISTING');
  if (input.behaviour?.suspended) declines.push('BEHAVIOUR_SUSPENDED');
  const b = input.behaviour;
  if (b && b.outstanding + (input.offerAmount ?? 0) > b.limit) declines.push('EXPOSURE_LIMIT');
  if (input.ageYears < s.minAge || input.ageYears > s.maxAge) declines.push('AGE');
  if (input.activeLoansOtherLenders >= s.multiLendingDeclineAt) declines.push('MULTI_LENDING');
  if (input.inquiriesLast90Days >= s.inquiryDeclineAt) declines.push('INQUIRY_VELOCITY');
  if (input.monthlyIncome > 0 && input.dtiBps > s.maxDtiBps) declines.push('DTI');
  if (input.worstDpdLast12Months >= s.severeDelinquencyDpd) declines.push('SEVERE_DELINQUENCY');
  if (input.monthlyIncome <= 0) declines.push('NO_INCOME');
  return { declines, refers: input.hardshipActive ? ['HARDSHIP_ACTIVE'] : [] };
}

/** Debt payments (existing plus the new installment) over monthly income, in bps, rounded up. */
export function dtiBps(monthlyDebtPayments: number, newInstallment: number, monthlyIncome: number): number {
  if (monthlyIncome <= 0) return Number.MAX_SAFE_INTEGER;
  const debt = BigInt(monthlyDebtPayments + newInstallment) * 10_000n;
  const income = BigInt(monthlyIncome);
  return Number((debt + income - 1n) / income);
}
