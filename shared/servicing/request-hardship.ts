import type { Rules } from '#shared/config/rules.ts';
import { LoanBusy, LoanNotFound, LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { HardshipRequest } from '#shared/schemas/servicing.ts';
import { checkHardshipRequest, decideHardship } from './decide-hardship.ts';

export interface HardshipDeps {
  repos: Pick<Stores, 'loans' | 'borrowers'>;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/**
 * A hardship request: the plan and the re-dated schedule are written together under the loan's version (a concurrent
 * change makes it read and decide again); a grant then marks the person as under hardship, which
 * refers new applications, and clears the overdue mark when the new dates leave nothing past due.
 */
export async function requestHardship(
  deps: HardshipDeps,
  partnerId: string,
  loanId: string,
  request: HardshipRequest,
): Promise<HardshipPlan> {
  checkHardshipRequest(request, deps.rules);
  for (let attempt = 1; ; attempt++) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current || current.loan.partnerId !== partnerId) throw new LoanNotFound();
    const decision = decideHardship(current, request, deps.ids.next('hs'), deps.clock.now(), deps.rules);
    try {
      await deps.repos.loans.saveInstallments(decision.loan, decision.expectedVersion, decision.installments);
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
      if (attempt < deps.rules.servicing.maxWriteAttempts) continue;
      throw new LoanBusy({ cause: err });
    }
    if (decision.plan.status === 'granted') {
      const { identityHash } = current.loan;
      await deps.repos.borrowers.setHardship(identityHash, loanId, true);
      if (!decision.overdueAfter) await deps.repos.borrowers.setOverdue(identityHash, loanId, false);
    }
    await deps.events.publish(decision.events);
    return decision.plan;
  }
}
