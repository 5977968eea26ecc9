import { decideEpisodeStart } from '#shared/collection/episodes.ts';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { EscalationDeps } from './escalation-deps.ts';

export type EpisodeStartResult = 'started' | 'not-due';

/**
 * Opens the loan's next episode when it is past grace and none is open, and starts its workflow under
 * the episode's own name (`<loanId>-e<n>`): the episode is written first, so a crash before the start
 * leaves an open episode without `executionStartedAt`, which the next call (the daily ageing job)
 * starts again; a start that already happened answers "already started", which is success.
 */
export async function startEpisode(
  deps: Pick<EscalationDeps, 'workflow' | 'clock' | 'rules'> & { repos: Pick<Stores, 'loans'> },
  loanId: string,
): Promise<EpisodeStartResult> {
  for (;;) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current) return 'not-due';
    const now = deps.clock.now();
    const today = localDateOf(now, deps.rules.timezone);
    const installments = accrueLoanPenalty(current.loan, current.installments, today, deps.rules);
    const start = decideEpisodeStart(current.loan, installments, now, deps.rules);
    if (!start) return 'not-due';
    let version = current.loan.version;
    try {
      if (start.opens) {
        await deps.repos.loans.saveLoan({ ...current.loan, escalation: start.escalation }, version);
        version += 1;
      }
      await deps.workflow.start(start.name, { loanId, episode: start.escalation.episode, ...start.input });
      const started = { ...start.escalation, executionStartedAt: now.toISOString() };
      await deps.repos.loans.saveLoan({ ...current.loan, escalation: started, version }, version);
      return 'started';
    } catch (err) {
      // Another writer changed the loan: read it again; the start is idempotent by name.
      if (err instanceof LoanVersionConflict) continue;
      throw err;
    }
  }
}
