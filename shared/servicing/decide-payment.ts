import { type EarlyWarning, earlyWarningRaised, paymentWarnings } from '#shared/collection/early-warning.ts';
import { oldestUnpaidDueDate, openEpisode } from '#shared/collection/ladder.ts';
import type { Rules } from '#shared/config/rules.ts';
import { PaymentIdConflict } from '#shared/errors/domain-errors.ts';
import { allocatePayment, isPaid } from '#shared/lending/allocation.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import { exposureOf, type LoanExposure } from '#shared/lending/exposure.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import { type PortfolioDelta, paymentDelta } from '#shared/lending/portfolio-tally.ts';
import type {
  InstallmentRecord,
  LoanRecord,
  LoanWithInstallments,
  PaymentRecord,
} from '#shared/ports/records.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { PaymentRequest } from '#shared/schemas/servicing.ts';
import { type LoanHistory, loanHistoryOf } from '#shared/scoring/behaviour.ts';

export interface PaymentOutcome {
  payment: PaymentRecord;
  loanStatus: LoanRecord['status'];
  daysPastDue: number;
  cured: boolean;
  /** False when this was a replay of a payment applied before. */
  applied: boolean;
}

export type PaymentDecision =
  | { kind: 'replay'; outcome: PaymentOutcome }
  | {
      kind: 'apply';
      payment: PaymentRecord;
      /** The loan as it will be saved, and the version it was read at. */
      loan: LoanRecord;
      expectedVersion: number;
      changed: InstallmentRecord[];
      events: DomainEvent[];
      /** The person's exposure on this loan after the payment (null once repaid), committed with it. */
      exposure: LoanExposure | null;
      /** What the payment adds to the portfolio totals (principal repaid, a payoff, a recovery). */
      portfolio: PortfolioDelta;
      /** The loan's repayment history after it, for the person's behaviour score. */
      history: LoanHistory;
      /** Early-warning signals the payment raises (their events are in `events`). */
      warnings: EarlyWarning[];
      outcome: PaymentOutcome;
    };

/**
 * A repayment's decision: the waterfall over the loan's installments as of the payment's local date, or the
 * payment applied before when its id was (same amount and instant: a replay; anything else: a conflict).
 */
export function decidePayment(
  current: LoanWithInstallments,
  existing: PaymentRecord | undefined,
  request: PaymentRequest,
  now: Date,
  rules: Rules,
): PaymentDecision {
  const { loan } = current;
  if (existing) {
    if (existing.amount !== request.amount || Date.parse(existing.paidAt) !== Date.parse(request.paidAt)) {
      throw new PaymentIdConflict(request.paymentId);
    }
    const today = localDateOf(now, rules.timezone);
    const dpd = daysPastDue(accrueLoanPenalty(loan, current.installments, today, rules), today, rules);
    return {
      kind: 'replay',
      outcome: { payment: existing, loanStatus: loan.status, daysPastDue: dpd, cured: false, applied: false },
    };
  }

  const paidOn = localDateOf(request.paidAt, rules.timezone);
  const accrued = accrueLoanPenalty(loan, current.installments, paidOn, rules);
  const dpdBefore = daysPastDue(accrued, paidOn, rules);
  const result = allocatePayment(accrued, request.amount, paidOn);
  const after: InstallmentRecord[] = result.installments.map((inst, i) => {
    const before = accrued[i] as InstallmentRecord;
    return { ...before, ...inst, paidOn: before.paidOn ?? (isPaid(inst) ? paidOn : undefined) };
  });
  const changed = after.filter((inst, i) => JSON.stringify(inst) !== JSON.stringify(current.installments[i]));
  const dpdAfter = daysPastDue(after, paidOn, rules);
  const paidOff = after.every(isPaid);
  const episode = openEpisode(loan);
  const episodeEnd = paidOff ? 'paid_off' : dpdAfter === 0 ? 'cured' : undefined;
  const updatedLoan: LoanRecord = {
    ...loan,
    status: paidOff ? 'paid_off' : loan.status,
    creditBalance: loan.creditBalance + result.credit,
    oldestUnpaidDueDate: oldestUnpaidDueDate(after),
    // The episode ends in the payment's own write; its workflow sees that at its next step and stops.
    escalation:
      episode && episodeEnd
        ? { ...episode, endedAt: now.toISOString(), endReason: episodeEnd }
        : loan.escalation,
  };
  const payment: PaymentRecord = {
    loanId: loan.loanId,
    paymentId: request.paymentId,
    amount: request.amount,
    paidAt: request.paidAt,
    allocations: result.allocations,
    credit: result.credit,
    appliedAt: now.toISOString(),
  };
  const cured = dpdBefore > 0 && dpdAfter === 0;
  const who = { loanId: loan.loanId, partnerId: loan.partnerId, borrowerId: loan.borrowerId };
  const events: DomainEvent[] = [
    {
      type: 'PaymentReceived',
      at: payment.appliedAt,
      detail: {
        ...who,
        paymentId: payment.paymentId,
        amount: payment.amount,
        credit: payment.credit,
        daysPastDueBefore: dpdBefore,
        daysPastDue: dpdAfter,
      },
    },
  ];
  if (cured) {
    events.push({
      type: 'LoanCured',
      at: payment.appliedAt,
      detail: { ...who, daysPastDueBefore: dpdBefore },
    });
  }
  // Signals of a loan still current or in grace, raised in the payment's own write.
  const warnings = paymentWarnings(loan.loanId, accrued, after, paidOn, rules);
  events.push(...warnings.map((w) => earlyWarningRaised(w, who, payment.appliedAt)));
  return {
    kind: 'apply',
    payment,
    loan: updatedLoan,
    expectedVersion: loan.version,
    changed,
    events,
    exposure: exposureOf(updatedLoan, after),
    portfolio: paymentDelta(
      current,
      { loan: updatedLoan, installments: after },
      payment.amount,
      dpdBefore,
      rules,
    ),
    history: loanHistoryOf(updatedLoan, after),
    warnings,
    outcome: { payment, loanStatus: updatedLoan.status, daysPastDue: dpdAfter, cured, applied: true },
  };
}
