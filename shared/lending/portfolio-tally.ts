import type { Rules } from '#shared/config/rules.ts';
import { outstanding } from './allocation.ts';
import { addMonthsClamped } from './calendar.ts';
import type { Fen, InstallmentState, LocalDate } from './types.ts';

/**
 * What one committed loan write adds to the portfolio's running totals. The loan store adds it (DynamoDB
 * `ADD`) in the same transaction as the write, so the totals move exactly when the book does: a retry
 * that finds the write committed decides again from the new version and adds nothing twice.
 */
export interface PortfolioDelta {
  /** The loan whose write this is: it picks the counter shard. */
  loanId: string;
  partnerId: string;
  provinceCode?: string;
  /** Active loans. */
  loans: number;
  /** Outstanding principal of active loans (fen). */
  outstanding: Fen;
  chargedOffLoans: number;
  chargedOffPrincipal: Fen;
  /** Payments on loans at or past `recoveryDpd` (fen). */
  recoveries: Fen;
  /** The booking month's vintage: a loan booked, or a loan first reaching the vintage DPD at a month on book. */
  vintage?: { month: string; booked: number; delinquentAtMob?: number };
}

/** What a loan needs to be tallied. */
export interface TalliedLoan {
  loanId: string;
  partnerId: string;
  provinceCode?: string;
  status: 'active' | 'paid_off' | 'charged_off';
  disbursedOn: LocalDate;
}

export function principalOutstanding(installments: readonly InstallmentState[]): Fen {
  return installments.reduce((sum, i) => sum + Math.max(0, outstanding(i).principal), 0);
}

const activeTally = (loan: TalliedLoan | undefined, installments: readonly InstallmentState[]) =>
  loan?.status === 'active'
    ? { loans: 1, outstanding: principalOutstanding(installments) }
    : { loans: 0, outstanding: 0 };

/**
 * The change a write makes to the totals, from the loan and its schedule before (none for a booking) and
 * after. Only active loans count in the book; a charge-off moves the loan's principal to the charged-off
 * totals.
 */
export function loanDelta(
  before: { loan: TalliedLoan; installments: readonly InstallmentState[] } | undefined,
  after: { loan: TalliedLoan; installments: readonly InstallmentState[] },
): PortfolioDelta {
  const was = activeTally(before?.loan, before?.installments ?? []);
  const is = activeTally(after.loan, after.installments);
  const chargedOff = before?.loan.status === 'active' && after.loan.status === 'charged_off';
  const { loan } = after;
  return {
    loanId: loan.loanId,
    partnerId: loan.partnerId,
    ...(loan.provinceCode ? { provinceCode: loan.provinceCode } : {}),
    loans: is.loans - was.loans,
    outstanding: is.outstanding - was.outstanding,
    chargedOffLoans: chargedOff ? 1 : 0,
    chargedOffPrincipal: chargedOff ? was.outstanding : 0,
    recoveries: 0,
    ...(before ? {} : { vintage: { month: bookingMonth(loan), booked: 1 } }),
  };
}

/** A payment's change: the book's, and the payment as a recovery when the loan was at or past `recoveryDpd`. */
export function paymentDelta(
  before: { loan: TalliedLoan; installments: readonly InstallmentState[] },
  after: { loan: TalliedLoan; installments: readonly InstallmentState[] },
  amount: Fen,
  dpdBefore: number,
  rules: Rules,
): PortfolioDelta {
  const delta = loanDelta(before, after);
  return { ...delta, recoveries: dpdBefore >= rules.portfolio.recoveryDpd ? amount : 0 };
}

/** True when the delta changes nothing (a write that needs no counter update). */
export function isEmptyDelta(delta: PortfolioDelta): boolean {
  return (
    delta.loans === 0 &&
    delta.outstanding === 0 &&
    delta.chargedOffLoans === 0 &&
    delta.chargedOffPrincipal === 0 &&
    delta.recoveries === 0 &&
    delta.vintage === undefined
  );
}

export const bookingMonth = (loan: { disbursedOn: LocalDate }) => loan.disbursedOn.slice(0, 7);

/** Whole months from disbursement to `date` (0 in the first month). */
export function monthsOnBook(disbursedOn: LocalDate, date: LocalDate): number {
  let months = 0;
  while (addMonthsClamped(disbursedOn, months + 1) <= date) months += 1;
  return months;
}

/**
 * The first day a loan is at or past the vintage DPD: it is marked once (`vintageDelinquentOn`) and its
 * booking month's vintage counts it at that month on book. Later days and later episodes add nothing.
 */
export function markVintageDelinquency<T extends TalliedLoan & { vintageDelinquentOn?: LocalDate }>(
  loan: T,
  dpd: number,
  today: LocalDate,
  rules: Rules,
): { loan: T; vintage?: NonNullable<PortfolioDelta['vintage']> } {
  if (loan.vintageDelinquentOn || dpd < rules.portfolio.vintageDpd) return { loan };
  return {
    loan: { ...loan, vintageDelinquentOn: today },
    vintage: {
      month: bookingMonth(loan),
      booked: 0,
      delinquentAtMob: monthsOnBook(loan.disbursedOn, today),
    },
  };
}
