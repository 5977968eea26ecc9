import type { Rules } from '#shared/config/rules.ts';
import {
  LoanBusy,
  LoanNotFound,
  LoanVersionConflict,
  PaymentAlreadyApplied,
} from '#shared/errors/domain-errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { PaymentRequest } from '#shared/schemas/servicing.ts';
import { refreshCreditLimit } from './credit-limit.ts';
import { decidePayment, type PaymentOutcome } from './decide-payment.ts';

export type { PaymentOutcome };

export interface PaymentDeps {
  repos: Pick<Stores, 'loans' | 'borrowers'>;
  clock: Clock;
  rules: Rules;
}

/**
 * A repayment: the payment, the loan, its changed installments, the person's exposure and the events are
 * written together, conditional on the loan version; a concurrent writer makes it read and decide again, so parallel payments each apply
 * exactly once, in a consistent order.
 */
export async function applyPayment(
  deps: PaymentDeps,
  partnerId: string,
  loanId: string,
  request: PaymentRequest,
): Promise<PaymentOutcome> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current || current.loan.partnerId !== partnerId) throw new LoanNotFound();
    const existing = await deps.repos.loans.getPayment(loanId, request.paymentId);
    const decision = decidePayment(current, existing, request, deps.clock.now(), deps.rules);
    if (decision.kind === 'replay') {
      // A retry after a crash between the payment and the limit's refresh finishes the refresh.
      await refreshCreditLimit(deps, current.loan);
      return decision.outcome;
    }
    try {
      await deps.repos.loans.applyPayment(
        decision.payment,
        decision.loan,
        decision.expectedVersion,
        decision.changed,
        {
          exposure: decision.exposure,
          history: decision.history,
          warnings: decision.warnings,
          events: decision.events,
          portfolio: decision.portfolio,
        },
      );
    } catch (err) {
      if (!(err instanceof PaymentAlreadyApplied || err instanceof LoanVersionConflict)) throw err;
      if (attempt < deps.rules.servicing.maxWriteAttempts) continue;
      throw new LoanBusy({ cause: err });
    }
    await refreshCreditLimit(deps, decision.loan);
    return decision.outcome;
  }
}
