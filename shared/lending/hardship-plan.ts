import type { LocalDate } from '#shared/lending/types.ts';

export type HardshipReason = 'natural_disaster' | 'epidemic' | 'illness' | 'unemployment' | 'other';

/** A hardship request and what was decided; kept on the loan for audit. */
export interface HardshipPlan {
  planId: string;
  status: 'granted' | 'referred';
  reason: HardshipReason;
  deferralDays: number;
  requestedAt: string;
  /** First and last day of the pause (granted plans only). */
  startsOn: LocalDate | null;
  endsOn: LocalDate | null;
  referralReasons: string[];
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
