import type { Rules } from '#shared/config/rules.ts';
import { aprCapBps, penaltyAprBps } from './apr.ts';
import { addDays, daysBetween } from './calendar.ts';
import { type HardshipPlan, pausedThrough } from './hardship-plan.ts';
import { roundHalfUpDiv, toFen } from './money.ts';
import type { InstallmentState, LocalDate } from './types.ts';

/**
 * Simple daily penalty interest on the installment's unpaid principal, for the days after grace
 * (from due date + graceDays + 1) through `today`, skipping days up to `pausedUntil` (hardship).
 * Accrues only days not accrued before, so calling it again for the same day changes nothing.
 */
export function accruePenalty<T extends InstallmentState>(
  inst: T,
  today: LocalDate,
  penaltyBps: number,
  rules: Rules,
  pausedUntil?: LocalDate,
): T {
  const firstPenaltyDay = addDays(inst.dueDate, rules.delinquency.graceDays + 1);
  let from = firstPenaltyDay;
  if (inst.penaltyAccruedThrough && inst.penaltyAccruedThrough >= from)
    from = addDays(inst.penaltyAccruedThrough, 1);
  if (pausedUntil && pausedUntil >= from) from = addDays(pausedUntil, 1);
  const unpaidPrincipal = inst.principalDue - inst.principalPaid;
  // Paid principal stays paid: nothing more can accrue, and leaving the record as it is spares a write.
  if (unpaidPrincipal <= 0) return inst;
  const days = daysBetween(from, today) + 1;
  if (days <= 0 || penaltyBps <= 0) {
    return today >= firstPenaltyDay && (inst.penaltyAccruedThrough ?? '') < today
      ? { ...inst, penaltyAccruedThrough: today }
      : inst;
  }
  const amount = roundHalfUpDiv(
    BigInt(unpaidPrincipal) * BigInt(penaltyBps) * BigInt(days),
    10_000n * BigInt(rules.money.dayCountBasis),
  );
  return {
    ...inst,
    penaltyAccrued: inst.penaltyAccrued + toFen(amount, 'penalty'),
    penaltyAccruedThrough: today,
  };
}

/** What penalty accrual needs to know of a loan. */
export interface PenaltyTerms {
  aprBps: number;
  disbursedOn: LocalDate;
  hardshipPlans?: HardshipPlan[];
}

/** Penalty accrued on every overdue installment up to `today`, under the cap and outside hardship pauses. */
export function accrueLoanPenalty<T extends InstallmentState>(
  loan: PenaltyTerms,
  installments: T[],
  today: LocalDate,
  rules: Rules,
): T[] {
  const cap = aprCapBps(loan.disbursedOn, rules);
  const penaltyBps = penaltyAprBps(loan.aprBps, cap, rules);
  const paused = pausedThrough(loan.hardshipPlans, today);
  return installments.map((inst) => ({ ...inst, ...accruePenalty(inst, today, penaltyBps, rules, paused) }));
}
