import type { LocalDate } from '#shared/lending/types.ts';

export type HardshipReason = 'natural_disaster' | 'epidemic' | 'illness' | 'unemployment' | 'other';

/** A hardship request and what was decided; kept on the loan for audit. */
export interface HardshipPlan {
  planId: string;
  /** `refused`: a supervisor refused a referred plan (it stays on the loan, with the refusal). */
  status: 'granted' | 'referred' | 'refused';
  reason: HardshipReason;
  deferralDays: number;
  requestedAt: string;
  /** First and last day of the pause (granted plans only). */
  startsOn: LocalDate | null;
  endsOn: LocalDate | null;
  referralReasons: string[];
  /** A referred plan's decision on the desk: when, by whom (the user's id), and why a refusal. */
  decidedAt?: string;
  decidedBy?: string;
  refusalReason?: string;
}

/** The granted plan whose pause covers `today`, if any. */
export function activePlan(plans: HardshipPlan[] | undefined, today: LocalDate): HardshipPlan | undefined {
  return (plans ?? []).find(
    (p) =>
      p.status === 'granted' &&
      p.startsOn !== null &&
      p.endsOn !== null &&
      p.startsOn <= today &&
      today <= p.endsOn,
  );
}

/** The last day any granted plan pauses penalty, up to `today` (penalty is not charged on paused days). */
export function pausedThrough(plans: HardshipPlan[] | undefined, today: LocalDate): LocalDate | undefined {
  const ends = (plans ?? [])
    .filter((p) => p.status === 'granted' && p.startsOn !== null && p.startsOn <= today)
    .map((p) => p.endsOn as LocalDate);
  return ends.sort().at(-1);
}
