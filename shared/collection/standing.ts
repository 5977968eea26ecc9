import type { Rules } from '#shared/config/rules.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { EscalationState } from './ladder.ts';

/** What a transition needs to know of a loan. */
export interface StandingLoan {
  status: 'active' | 'paid_off' | 'charged_off';
  nonPerformingSince?: LocalDate;
  escalation?: EscalationState;
}

export interface StandingChange<T extends StandingLoan> {
  loan: T;
  /** The transitions made now (each happens once in a loan's life). */
  made: ('non_performing' | 'charged_off')[];
}

/**
 * The loan's standing at `dpd` days past due: non-performing from `nonPerformingDpd` (kept from then on),
 * charged off from `chargeOffDpd` (which ends any open episode). Either is made once; a loan already
 * there is returned as it is. `at` is the instant of the change.
 */
export function changeStanding<T extends StandingLoan>(
  loan: T,
  dpd: number,
  today: LocalDate,
  at: string,
  rules: Rules,
  /** A rung that makes a transition makes it at its day whatever the DPD (the ladder's own schedule). */
  force?: 'non_performing' | 'charged_off',
): StandingChange<T> {
  if (loan.status !== 'active') return { loan, made: [] };
  const d = rules.delinquency;
  const chargeOff = force === 'charged_off' || dpd >= d.chargeOffDpd;
  const nonPerforming = chargeOff || force === 'non_performing' || dpd >= d.nonPerformingDpd;
  const made: StandingChange<T>['made'] = [];
  let next: T = loan;
  if (nonPerforming && !loan.nonPerformingSince) {
    next = { ...next, nonPerformingSince: today };
    made.push('non_performing');
  }
  if (chargeOff) {
    const episode = next.escalation;
    next = {
      ...next,
      status: 'charged_off',
      escalation:
        episode && !episode.endedAt ? { ...episode, endedAt: at, endReason: 'charged_off' } : episode,
    };
    made.push('charged_off');
  }
  return { loan: next, made };
}
