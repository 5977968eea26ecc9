import type { Rules } from '#shared/config/rules.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { InstallmentState } from '#shared/lending/types.ts';
import { type EscalationState, type LadderLoan, oldestPastDue, openEpisode, rungInstant } from './ladder.ts';

export interface EpisodeStart {
  /** The episode as the loan will record it (a new one, or the open one whose workflow never started). */
  escalation: EscalationState;
  /** True when the episode is new and must be written before its workflow starts. */
  opens: boolean;
  /** The workflow's start: its unique name and its first rung and instant. */
  name: string;
  input: { next: string; nextAt: string };
}

/**
 * Whether a loan's escalation must start now: past grace (DPD above `graceDays`) with no open episode
 * opens episode n+1; an open episode whose workflow was never started (a crash, a missed run) is
 * started again under the same name, which Step Functions accepts once. Otherwise nothing.
 */
export function decideEpisodeStart(
  loan: LadderLoan & { loanId: string },
  installments: readonly InstallmentState[],
  now: Date,
  rules: Rules,
): EpisodeStart | undefined {
  if (loan.status !== 'active') return undefined;
  const today = localDateOf(now, rules.timezone);
  const dpd = daysPastDue(installments, today, rules);
  const oldest = oldestPastDue(installments, today);
  const open = openEpisode(loan);
  if (open?.executionStartedAt) return undefined;
  if (!open && (dpd <= rules.delinquency.graceDays || !oldest)) return undefined;
  const first = rules.collection.ladder[0];
  if (!first) return undefined;
  const escalation: EscalationState = open ?? {
    episode: (loan.escalation?.episode ?? 0) + 1,
    rung: null,
    since: now.toISOString(),
    pausedUntil: null,
  };
  const firstAt = oldest ? rungInstant(first, oldest.dueDate, rules) : now;
  return {
    escalation,
    opens: !open,
    name: episodeExecutionName(loan.loanId, escalation.episode),
    input: { next: first.id, nextAt: new Date(Math.max(now.getTime(), firstAt.getTime())).toISOString() },
  };
}

/** The workflow's name: one per loan and episode, so a second start of it is refused by Step Functions. */
export function episodeExecutionName(loanId: string, episode: number): string {
  return `${loanId}-e${episode}`;
}
