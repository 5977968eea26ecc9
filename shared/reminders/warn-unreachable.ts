import {
  allChannelsOptedOut,
  allChannelsOptedOutWarning,
  earlyWarningRaised,
} from '#shared/collection/early-warning.ts';
import type { Rules } from '#shared/config/rules.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { WatchSignals } from '#shared/ports/watchlist.ts';

export interface WarnUnreachableDeps {
  repos: Pick<Stores, 'borrowers' | 'loans'>;
  watchlist: WatchSignals;
  rules: Rules;
  clock: Clock;
}

/**
 * After a borrower's opt-out (the partner's preferences, or an SMS STOP): when no channel is left, each of
 * their loans at that partner still current or in grace gets `ALL_CHANNELS_OPTED_OUT`. The loans are the
 * identity item's at this partner; the watch entry's condition makes a retry raise nothing more.
 */
export async function warnIfUnreachable(
  deps: WarnUnreachableDeps,
  partnerId: string,
  borrowerId: string,
): Promise<number> {
  const borrower = await deps.repos.borrowers.get(partnerId, borrowerId);
  if (!borrower) return 0;
  const { optOut } = borrower.preferences;
  if (!allChannelsOptedOut({ optOut, hasEmail: borrower.emailEncrypted !== undefined })) return 0;
  const today = localDateOf(deps.clock.now(), deps.rules.timezone);
  // The opt-out's day names the occurrence: a retry after a crash, or a STOP repeated later, finds it raised.
  const optedOutOn = localDateOf(new Date(borrower.updatedAt), deps.rules.timezone);
  const status = await deps.repos.borrowers.identityStatus(borrower.identityHash);
  let raised = 0;
  for (const [loanId, exposure] of Object.entries(status.loans).sort()) {
    if (exposure.partnerId !== partnerId) continue;
    const found = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (found?.loan.status !== 'active' || found.loan.borrowerId !== borrowerId) continue;
    const at = deps.clock.now().toISOString();
    for (const warning of allChannelsOptedOutWarning(
      loanId,
      found.installments,
      today,
      optedOutOn,
      deps.rules,
    ))
      if (await deps.watchlist.raise(found.loan, warning, earlyWarningRaised(warning, found.loan, at)))
        raised += 1;
  }
  return raised;
}
