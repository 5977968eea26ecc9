import {
  earlyWarningRaised,
  loansAtOtherPartners,
  type NewlyPastDue,
  overdueElsewhereWarning,
} from '#shared/collection/early-warning.ts';
import type { Rules } from '#shared/config/rules.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { WatchlistStore } from '#shared/ports/watchlist.ts';

export interface OverdueElsewhereDeps {
  repos: Pick<Stores, 'loans' | 'borrowers'>;
  watchlist: WatchlistStore;
  rules: Rules;
  clock: Clock;
}

/**
 * `OVERDUE_ELSEWHERE` (in the ageing job): for each loan that fell past due lately, the person's identity
 * item names their loans at other partners; each still current or in grace gets the signal, once per
 * spell. Reads are proportional to the loans newly past due whose borrowers borrow elsewhere.
 */
export async function raiseOverdueElsewhere(
  deps: OverdueElsewhereDeps,
  businessDate: LocalDate,
  newlyPastDue: readonly NewlyPastDue[],
): Promise<number> {
  let raised = 0;
  for (const pastDue of newlyPastDue) {
    const status = await deps.repos.borrowers.identityStatus(pastDue.identityHash);
    for (const loanId of loansAtOtherPartners(pastDue, status.loans)) {
      const other = await deps.repos.loans.getLoanWithInstallments(loanId);
      if (other?.loan.status !== 'active') continue;
      const at = deps.clock.now().toISOString();
      for (const warning of overdueElsewhereWarning(
        loanId,
        pastDue,
        other.installments,
        businessDate,
        deps.rules,
      ))
        if (await deps.watchlist.raise(other.loan, warning, earlyWarningRaised(warning, other.loan, at)))
          raised += 1;
    }
  }
  return raised;
}
