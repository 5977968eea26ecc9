import type { Rules } from '#shared/config/rules.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Stores } from '#shared/ports/stores.ts';
import { creditLimitOf } from '#shared/scoring/behaviour.ts';

export interface CreditLimitDeps {
  repos: Pick<Stores, 'borrowers'>;
  clock: Clock;
  rules: Rules;
}

/**
 * After a write that changed the person's repayment history (booking, payment, promise judgment): the
 * limit it gives now, stored with `CreditLimitChanged` when it moved, conditional on the limit read, so
 * two partners' writes at once announce each move once. Scoring never reads the stored limit (it
 * computes its own from the same item); a crash before this runs leaves only the announcement late, until
 * the person's next change.
 */
export async function refreshCreditLimit(
  deps: CreditLimitDeps,
  loan: { identityHash: string; loanId: string; partnerId: string; borrowerId: string },
): Promise<void> {
  for (let attempt = 1; attempt <= deps.rules.servicing.maxWriteAttempts; attempt++) {
    const now = deps.clock.now();
    const status = await deps.repos.borrowers.identityStatus(loan.identityHash);
    const next = creditLimitOf(status, localDateOf(now, deps.rules.timezone), deps.rules);
    const previous = status.creditLimit?.limit ?? null;
    if (!next || next.limit === previous) return;
    const event = {
      type: 'CreditLimitChanged' as const,
      at: now.toISOString(),
      detail: {
        // The loan whose change moved it names the person to its partner; no identity hash leaves.
        loanId: loan.loanId,
        partnerId: loan.partnerId,
        borrowerId: loan.borrowerId,
        limit: next.limit,
        previousLimit: previous,
        grade: next.grade,
        score: next.score,
      },
    };
    if (await deps.repos.borrowers.saveCreditLimit(loan.identityHash, previous, next, [event])) return;
  }
}
