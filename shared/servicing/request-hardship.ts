import { earlyWarningRaised, hardshipWarning } from '#shared/collection/early-warning.ts';
import type { Rules } from '#shared/config/rules.ts';
import { LoanBusy, LoanNotFound, LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { HardshipRequest } from '#shared/schemas/servicing.ts';
import { checkHardshipRequest, decideHardship } from './decide-hardship.ts';

export interface HardshipDeps {
  repos: Pick<Stores, 'loans'>;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/**
 * A hardship request: the plan, the re-dated schedule, the person's exposure (a plan refers new
 * applications; new dates can leave nothing past due) and the events are written together under the
 * loan's version (a concurrent change makes it read and decide again).
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
    const now = deps.clock.now();
    const decision = decideHardship(current, request, deps.ids.next('hs'), now, deps.rules);
    // Asking for relief on a loan still current or in grace is itself a signal, raised in the request's write.
    const warnings = hardshipWarning(
      loanId,
      decision.plan.planId,
      current.installments,
      localDateOf(now, deps.rules.timezone),
      deps.rules,
    );
    const who = { partnerId: current.loan.partnerId, borrowerId: current.loan.borrowerId };
    try {
      const granted = decision.plan.status === 'granted';
      await deps.repos.loans.saveInstallments(
        decision.loan,
        decision.expectedVersion,
        decision.installments,
        {
          // A grant re-dates the schedule: the person's exposure follows in the same write.
          ...(granted ? { exposure: exposureOf(decision.loan, decision.installments) } : {}),
          warnings,
          events: [...decision.events, ...warnings.map((w) => earlyWarningRaised(w, who, now.toISOString()))],
        },
      );
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
      if (attempt < deps.rules.servicing.maxWriteAttempts) continue;
      throw new LoanBusy({ cause: err });
    }
    return decision.plan;
  }
}
