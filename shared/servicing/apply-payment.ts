import type { Rules } from '#shared/config/rules.ts';
import { conflict, notFound } from '#shared/http/errors.ts';
import { allocatePayment, isPaid } from '#shared/lending/allocation.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { EscalationPort } from '#shared/ports/escalation.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { PaymentRequest } from '#shared/schemas/servicing.ts';
import { LoanVersionConflictError, PaymentAlreadyAppliedError } from '#shared/storage/loan-repository.ts';
import type { InstallmentRecord, PaymentRecord } from '#shared/storage/records.ts';
import type { Repositories } from '#shared/storage/repositories.ts';

export interface PaymentDeps {
  repos: Pick<Repositories, 'loans' | 'borrowers'>;
  events: EventBus;
  escalation: EscalationPort;
  clock: Clock;
  rules: Rules;
}

export interface PaymentOutcome {
  payment: PaymentRecord;
  loanStatus: 'active' | 'paid_off' | 'charged_off';
  daysPastDue: number;
  cured: boolean;
  /** False when this was a replay of a payment applied before. */
  applied: boolean;
}

const MAX_ATTEMPTS = 20;

/** Same id, same amount and instant: a replay. Same id, anything else: a conflict. */
function replayOrConflict(existing: PaymentRecord, request: PaymentRequest): void {
  if (existing.amount !== request.amount || Date.parse(existing.paidAt) !== Date.parse(request.paidAt)) {
    throw conflict(
      'payment_id_reused',
      `paymentId ${request.paymentId} was already used for another payment`,
    );
  }
}

/**
 * Flow 3: the waterfall over the loan's installments, written with the payment in one transaction
 * conditional on the loan version; a concurrent writer makes it re-read and re-apply, so parallel
 * payments each apply exactly once, in a consistent order.
 */
export async function applyPayment(
  deps: PaymentDeps,
  partnerId: string,
  loanId: string,
  request: PaymentRequest,
): Promise<PaymentOutcome> {
  const { rules } = deps;
  for (let attempt = 1; ; attempt++) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current || current.loan.partnerId !== partnerId) throw notFound('loan');
    const { loan } = current;
    const existing = await deps.repos.loans.getPayment(loanId, request.paymentId);
    if (existing) {
      replayOrConflict(existing, request);
      const today = localDateOf(deps.clock.now(), rules.timezone);
      const dpd = daysPastDue(accrueLoanPenalty(loan, current.installments, today, rules), today, rules);
      return { payment: existing, loanStatus: loan.status, daysPastDue: dpd, cured: false, applied: false };
    }

    const paidOn = localDateOf(request.paidAt, rules.timezone);
    const accrued = accrueLoanPenalty(loan, current.installments, paidOn, rules);
    const dpdBefore = daysPastDue(accrued, paidOn, rules);
    const result = allocatePayment(accrued, request.amount, paidOn);
    const after: InstallmentRecord[] = result.installments.map((inst, i) => {
      const before = accrued[i] as InstallmentRecord;
      return { ...before, ...inst, paidOn: before.paidOn ?? (isPaid(inst) ? paidOn : undefined) };
    });
    const changed = after.filter(
      (inst, i) => JSON.stringify(inst) !== JSON.stringify(current.installments[i]),
    );
    const dpdAfter = daysPastDue(after, paidOn, rules);
    const paidOff = after.every(isPaid);
    const updatedLoan = {
      ...loan,
      status: paidOff ? ('paid_off' as const) : loan.status,
      creditBalance: loan.creditBalance + result.credit,
    };
    const now = deps.clock.now();
    const payment: PaymentRecord = {
      loanId,
      paymentId: request.paymentId,
      amount: request.amount,
      paidAt: request.paidAt,
      allocations: result.allocations,
      credit: result.credit,
      appliedAt: now.toISOString(),
    };
    try {
      await deps.repos.loans.applyPayment(payment, updatedLoan, loan.version, changed);
    } catch (err) {
      if (err instanceof PaymentAlreadyAppliedError || err instanceof LoanVersionConflictError) {
        if (attempt < MAX_ATTEMPTS) continue;
        throw conflict('loan_busy', 'the loan is being changed by other requests; retry');
      }
      throw err;
    }

    const cured = dpdBefore > 0 && dpdAfter === 0;
    const events: DomainEvent[] = [
      {
        type: 'PaymentReceived',
        at: payment.appliedAt,
        detail: {
          loanId,
          partnerId,
          borrowerId: loan.borrowerId,
          paymentId: payment.paymentId,
          amount: payment.amount,
          credit: payment.credit,
          daysPastDueBefore: dpdBefore,
          daysPastDue: dpdAfter,
        },
      },
    ];
    if (cured || paidOff) {
      await deps.repos.borrowers.setOverdue(loan.identityHash, loanId, false);
      await deps.escalation.endEpisode(loanId, paidOff ? 'paid_off' : 'cured');
    }
    if (cured) {
      events.push({
        type: 'LoanCured',
        at: payment.appliedAt,
        detail: { loanId, partnerId, borrowerId: loan.borrowerId, daysPastDueBefore: dpdBefore },
      });
    }
    await deps.events.publish(events);
    return { payment, loanStatus: updatedLoan.status, daysPastDue: dpdAfter, cured, applied: true };
  }
}
