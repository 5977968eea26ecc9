import type { Rules } from '#shared/config/rules.ts';
import { isPaid, outstanding, unpaidInstallments } from './allocation.ts';
import { aprCapBps, aprCapInForce } from './apr.ts';
import { addDays, addMonthsClamped } from './calendar.ts';
import { buildSchedule } from './schedule.ts';
import type { Fen, InstallmentState, LocalDate, RepaymentMethod } from './types.ts';

/** What a supervisor asks: the new schedule's number of monthly installments, and optionally a lower APR. */
export interface RestructureRequest {
  termMonths: number;
  aprBps?: number;
}

/** A loan's one restructuring, kept on the loan: what was re-scheduled, and the new schedule's start. */
export interface Restructuring {
  on: LocalDate;
  at: string;
  /** Installments of the new schedule; they are numbered from `firstInstallmentNo`. */
  termMonths: number;
  aprBps: number;
  previousAprBps: number;
  previousTermMonths: number;
  /** The outstanding principal the new schedule amortizes. */
  principal: Fen;
  /** Unpaid contract interest of installments due by the day: spread over the new installments, interest-free. */
  carriedInterest: Fen;
  /** Unpaid fees and penalty: owed with the first new installment as they were (never capitalized). */
  carriedFee: Fen;
  carriedPenalty: Fen;
  firstInstallmentNo: number;
  firstDueDate: LocalDate;
}

/** An installment of the new schedule: its interest is the new schedule's plus its share of the carried interest. */
export interface RestructuredInstallment extends InstallmentState {
  carriedInterest: Fen;
}

/** An old installment the restructuring closed: it keeps what was paid and records what moved off it. */
export type ClosedInstallment<T> = T & {
  restructuredAway: { principal: Fen; interest: Fen; fee: Fen; penalty: Fen };
};

export type RestructureRefusal =
  | { kind: 'already_restructured'; on: LocalDate }
  | { kind: 'term_too_long'; maxTermMonths: number }
  | { kind: 'apr_too_high'; maxAprBps: number }
  | { kind: 'nothing_owed' };

export type RestructureDecision<T> =
  | { kind: 'refused'; refusal: RestructureRefusal }
  | {
      kind: 'restructured';
      restructuring: Restructuring;
      /** The old installments that owed something, now settled by the restructuring. */
      closed: ClosedInstallment<T>[];
      added: RestructuredInstallment[];
      /** The loan's whole term from disbursement to the new last due date, in months. */
      totalTermMonths: number;
    };

/** What the decision needs to know of a loan. */
export interface RestructurableLoan {
  aprBps: number;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
  disbursedOn: LocalDate;
  restructuring?: Restructuring;
}

/** Months from disbursement to `today`, a month begun counting whole (the new schedule starts today). */
export function monthsElapsed(disbursedOn: LocalDate, today: LocalDate): number {
  let months = 0;
  while (addMonthsClamped(disbursedOn, months) < today) months++;
  return months;
}

/** The longest new schedule: 12 more months than the contract and 36 in all, counted from disbursement. */
export function maxRestructureTerm(loan: RestructurableLoan, today: LocalDate, rules: Rules): number {
  const s = rules.supervision;
  const total = Math.min(loan.termMonths + s.restructureMaxExtraMonths, s.restructureMaxTotalTermMonths);
  return total - monthsElapsed(loan.disbursedOn, today);
}

/** The highest APR a restructuring may set: the contract's, never above the cap (at the contract date and today). */
export function maxRestructureApr(loan: RestructurableLoan, today: LocalDate, rules: Rules): number {
  const capToday = aprCapInForce(today, rules) ?? Number.POSITIVE_INFINITY;
  return Math.min(loan.aprBps, aprCapBps(loan.disbursedOn, rules), capToday);
}

/**
 * A restructuring (domain rules, "Collection desk"): once per loan, the outstanding principal re-scheduled
 * from today over `termMonths` at no more than the contract APR, and the unpaid contract interest of the
 * installments due by today spread over the new installments without interest (no interest on interest).
 * Penalty and fees owed stay owed as they are: carried to the first new installment, never capitalized,
 * bearing nothing; a waiver is what removes them. Interest not yet due on the old schedule is not owed:
 * the new schedule's interest replaces it. `installments` carry penalty accrued through today.
 */
export function decideRestructure<T extends InstallmentState>(
  loan: RestructurableLoan,
  installments: readonly T[],
  request: RestructureRequest,
  today: LocalDate,
  at: string,
  rules: Rules,
): RestructureDecision<T> {
  if (loan.restructuring)
    return { kind: 'refused', refusal: { kind: 'already_restructured', on: loan.restructuring.on } };
  const maxTerm = maxRestructureTerm(loan, today, rules);
  if (request.termMonths < 1 || request.termMonths > maxTerm)
    return { kind: 'refused', refusal: { kind: 'term_too_long', maxTermMonths: Math.max(0, maxTerm) } };
  const maxApr = maxRestructureApr(loan, today, rules);
  const aprBps = request.aprBps ?? maxApr;
  if (aprBps > maxApr) return { kind: 'refused', refusal: { kind: 'apr_too_high', maxAprBps: maxApr } };

  const owing = installments.filter((i) => !isPaid(i));
  let principal = 0;
  let carriedInterest = 0;
  let carriedFee = 0;
  let carriedPenalty = 0;
  const closed = owing.map((inst): ClosedInstallment<T> => {
    const owed = outstanding(inst);
    const due = inst.dueDate <= today;
    const away = {
      principal: owed.principal,
      interest: due ? owed.interest : 0,
      fee: due ? owed.fee : 0,
      penalty: owed.penalty,
    };
    principal += away.principal;
    carriedInterest += away.interest;
    carriedFee += away.fee;
    carriedPenalty += away.penalty;
    const settled = {
      principalDue: inst.principalPaid,
      interestDue: inst.interestPaid,
      feeDue: inst.feePaid,
      penaltyAccrued: inst.penaltyPaid,
    };
    return {
      ...inst,
      ...settled,
      amountDue: settled.principalDue + settled.interestDue + settled.feeDue,
      restructuredAway: away,
    };
  });
  if (principal + carriedInterest + carriedFee + carriedPenalty === 0)
    return { kind: 'refused', refusal: { kind: 'nothing_owed' } };

  const firstInstallmentNo = Math.max(0, ...installments.map((i) => i.installmentNo)) + 1;
  const added = newSchedule(loan, principal, aprBps, request.termMonths, today, rules).map(
    (inst, k, all): RestructuredInstallment => {
      const share = Math.floor(carriedInterest / all.length);
      const carried = k === all.length - 1 ? carriedInterest - share * (all.length - 1) : share;
      const first = k === 0;
      const feeDue = inst.feeDue + (first ? carriedFee : 0);
      const interestDue = inst.interestDue + carried;
      return {
        ...inst,
        installmentNo: firstInstallmentNo + k,
        interestDue,
        feeDue,
        amountDue: inst.principalDue + interestDue + feeDue,
        penaltyAccrued: first ? carriedPenalty : 0,
        carriedInterest: carried,
      };
    },
  );
  const firstDueDate = added[0]?.dueDate ?? addDays(today, 1);
  return {
    kind: 'restructured',
    restructuring: {
      on: today,
      at,
      termMonths: request.termMonths,
      aprBps,
      previousAprBps: loan.aprBps,
      previousTermMonths: loan.termMonths,
      principal,
      carriedInterest,
      carriedFee,
      carriedPenalty,
      firstInstallmentNo,
      firstDueDate,
    },
    closed,
    added,
    totalTermMonths: monthsElapsed(loan.disbursedOn, today) + request.termMonths,
  };
}

/**
 * The new schedule on the outstanding principal alone, from today: the loan's repayment method, at the new
 * APR (priced under the cap as any schedule is). The term limits are the restructuring's, not the product's.
 * With no principal left (only interest, fees or penalty owed), the carried amounts fall in equal months.
 */
export function newSchedule(
  loan: RestructurableLoan,
  principal: Fen,
  aprBps: number,
  termMonths: number,
  today: LocalDate,
  rules: Rules,
): InstallmentState[] {
  if (principal === 0)
    return unpaidInstallments(
      Array.from({ length: termMonths }, (_, k) => ({
        installmentNo: k + 1,
        dueDate: addMonthsClamped(today, k + 1),
        principalDue: 0,
        interestDue: 0,
        feeDue: 0,
        amountDue: 0,
      })),
    );
  const limit = rules.supervision.restructureMaxTotalTermMonths;
  const terms = { principal, aprBps, termMonths, repaymentMethod: loan.repaymentMethod, disbursedOn: today };
  const termRules = {
    ...rules,
    schedule: { ...rules.schedule, maxTermMonths: limit, maxBulletTermMonths: limit },
  };
  return unpaidInstallments(buildSchedule(terms, termRules));
}

export interface ObservationPeriod {
  /** The first due date after the change, or after the last missed payment (a miss starts it again). */
  since: LocalDate;
  /** The earliest day it can end: `observationMonths` after `since`. */
  endsOn: LocalDate;
  /** Installments of the new schedule paid in time, in a row, since `since`. */
  repaymentsInARow: number;
  status: 'observing' | 'completed';
}

/**
 * Where the observation period of a restructured loan stands: it runs from the first due date after the
 * change for at least `observationMonths` and until `observationRepayments` repayments in a row; an
 * installment not paid by the end of its grace is a missed payment and starts the period again from the
 * next due date. Until it completes, the loan is reported restructured whatever its DPD.
 */
export function observationPeriod(
  restructuring: Restructuring,
  installments: readonly (InstallmentState & { paidOn?: LocalDate })[],
  today: LocalDate,
  rules: Rules,
): ObservationPeriod {
  const s = rules.supervision;
  let since = restructuring.firstDueDate;
  let inARow = 0;
  const schedule = installments
    .filter((i) => i.installmentNo >= restructuring.firstInstallmentNo)
    .sort((a, b) => a.installmentNo - b.installmentNo);
  for (const [k, inst] of schedule.entries()) {
    const graceEnds = addDays(inst.dueDate, rules.delinquency.graceDays);
    const paidInTime = isPaid(inst) && (inst.paidOn === undefined || inst.paidOn <= graceEnds);
    if (paidInTime) inARow++;
    else if (graceEnds < today) {
      inARow = 0;
      since = schedule[k + 1]?.dueDate ?? addMonthsClamped(inst.dueDate, 1);
    } else break;
  }
  const endsOn = addMonthsClamped(since, s.observationMonths);
  return {
    since,
    endsOn,
    repaymentsInARow: inARow,
    status: today >= endsOn && inARow >= s.observationRepayments ? 'completed' : 'observing',
  };
}
