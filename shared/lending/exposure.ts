import type { Rules } from '#shared/config/rules.ts';
import { isPaid, outstanding } from './allocation.ts';
import type { HardshipPlan } from './hardship-plan.ts';
import type { Fen, InstallmentState, LocalDate } from './types.ts';

/**
 * What the person's identity item keeps of one active loan, written in the same transaction as every
 * change to the loan's schedule or balance (booking, payment, hardship, restructuring): the overdue
 * gate reads this one item and today's date, so it is right from 00:00 on D+1 without a sweep, and
 * no crash can leave a cured borrower marked overdue.
 */
export interface LoanExposure {
  partnerId: string;
  /** Unpaid installments, oldest first: when each fell due and what was owed on it at the last write. */
  unpaid: { dueDate: LocalDate; owed: Fen }[];
  /** The last granted hardship plan's pause. */
  hardship?: { startsOn: LocalDate; endsOn: LocalDate };
}

/**
 * The exposure of a loan as it is now, or null once it is repaid. A charged-off loan keeps what it owes:
 * the debt is still unpaid, and the person is still overdue.
 */
export function exposureOf(
  loan: { partnerId: string; status: string; hardshipPlans?: HardshipPlan[] },
  installments: readonly InstallmentState[],
): LoanExposure | null {
  if (loan.status === 'paid_off') return null;
  const unpaid = installments
    .filter((i) => !isPaid(i))
    .map((i) => ({ dueDate: i.dueDate, owed: outstanding(i).total }))
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const plan = (loan.hardshipPlans ?? [])
    .filter((p) => p.status === 'granted' && p.startsOn !== null && p.endsOn !== null)
    .at(-1);
  if (unpaid.length === 0 && !plan) return null;
  return {
    partnerId: loan.partnerId,
    unpaid,
    ...(plan ? { hardship: { startsOn: plan.startsOn as LocalDate, endsOn: plan.endsOn as LocalDate } } : {}),
  };
}

/**
 * Past due on `today`: what fell due before today and is unpaid exceeds the arrears tolerance, as
 * `daysPastDue` judges a loan.
 */
export function isOverdue(exposure: LoanExposure, today: LocalDate, rules: Rules): boolean {
  const owed = exposure.unpaid.filter((u) => u.dueDate < today).reduce((sum, u) => sum + u.owed, 0);
  return owed > rules.delinquency.arrearsToleranceFen;
}

export function isUnderHardship(exposure: LoanExposure, today: LocalDate): boolean {
  const plan = exposure.hardship;
  return plan !== undefined && plan.startsOn <= today && today <= plan.endsOn;
}

/** The person's standing across every partner on `today`: the loans past due and those under a plan. */
export function standingOf(
  loans: Readonly<Record<string, LoanExposure>>,
  today: LocalDate,
  rules: Rules,
): { overdueLoanIds: string[]; hardshipLoanIds: string[] } {
  const ids = Object.keys(loans).sort();
  return {
    overdueLoanIds: ids.filter((id) => isOverdue(loans[id] as LoanExposure, today, rules)),
    hardshipLoanIds: ids.filter((id) => isUnderHardship(loans[id] as LoanExposure, today)),
  };
}
