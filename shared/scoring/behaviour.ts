import type { Rules } from '#shared/config/rules.ts';
import { isPaid } from '#shared/lending/allocation.ts';
import { addDays, addMonthsClamped, daysBetween } from '#shared/lending/calendar.ts';
import type { LoanExposure } from '#shared/lending/exposure.ts';
import type { Fen, InstallmentState, LocalDate } from '#shared/lending/types.ts';
import type { BehaviourStanding } from './gates.ts';
import type { ReasonCode } from './reasons.ts';
import { type Grade, gradeOf, pointsFor } from './scorecard.ts';

/**
 * What the person's identity item keeps of one loan's repayment history (`history#<loanId>`), written in
 * the same transaction as the booking or payment that changes it, and kept after the loan is repaid: the
 * behaviour score is computed from these dated facts whenever it is needed, so days late keep counting
 * without any job writing them.
 */
export interface LoanHistory {
  partnerId: string;
  bookedOn: LocalDate;
  /** Every installment of the schedule: when due, when fully paid, and whether it is part paid. */
  installments: { dueDate: LocalDate; paidOn?: LocalDate; partlyPaid?: true }[];
}

/** Everything the behaviour score reads: the person's loans' histories and the promises they broke. */
export interface BehaviourInput {
  histories: Readonly<Record<string, LoanHistory>>;
  /** Dates broken promises were judged, one per promise. */
  brokenPromises: readonly LocalDate[];
  today: LocalDate;
}

export interface BehaviourFacts {
  worstDpd: number;
  onTimeStreak: number;
  partialPayments: number;
  brokenPromises: number;
  monthsOnBook: number;
}

export interface BehaviourScore {
  score: number;
  grade: Grade;
  facts: BehaviourFacts;
  /** Characteristics that cost points, most costly first. */
  reasonCodes: ReasonCode[];
}

export function loanHistoryOf(
  loan: { partnerId: string; disbursedOn: LocalDate },
  installments: readonly (InstallmentState & { paidOn?: LocalDate })[],
): LoanHistory {
  return {
    partnerId: loan.partnerId,
    bookedOn: loan.disbursedOn,
    installments: installments.map((i) => {
      const paid = isPaid(i);
      const partly = !paid && i.principalPaid + i.interestPaid + i.feePaid + i.penaltyPaid > 0;
      return {
        dueDate: i.dueDate,
        ...(paid && i.paidOn ? { paidOn: i.paidOn } : {}),
        ...(partly ? { partlyPaid: true as const } : {}),
      };
    }),
  };
}

/** Whole months from `from` to `to` (0 when `to` is before a month has passed). */
function monthsBetween(from: LocalDate, to: LocalDate): number {
  let months = 0;
  while (addMonthsClamped(from, months + 1) <= to) months += 1;
  return months;
}

/** The person's repayment history as the five characteristics, judged on `today`. */
export function behaviourFacts(input: BehaviourInput, rules: Rules): BehaviourFacts {
  const { today } = input;
  const since = addMonthsClamped(today, -rules.behaviour.lookbackMonths);
  const due = Object.values(input.histories).flatMap((h) => h.installments.filter((i) => i.dueDate < today));
  // Days late of each installment whose lateness reaches into the window: paid late, or unpaid to today.
  const worstDpd = Math.max(
    0,
    ...due
      .filter((i) => (i.paidOn ?? today) >= since)
      .map((i) => Math.max(0, daysBetween(i.dueDate, i.paidOn ?? today))),
  );
  // The latest installments due, across loans, paid by their due date, counted back to the first that was not.
  // Installments due the same day count late ones first, so the order of loans never lengthens a streak.
  const isLate = (i: LoanHistory['installments'][number]) => i.paidOn === undefined || i.paidOn > i.dueDate;
  const latestFirst = [...due].sort(
    (a, b) => b.dueDate.localeCompare(a.dueDate) || Number(isLate(b)) - Number(isLate(a)),
  );
  const firstLate = latestFirst.findIndex(isLate);
  const onTimeStreak = firstLate === -1 ? latestFirst.length : firstLate;
  const booked = Object.values(input.histories).map((h) => h.bookedOn);
  const firstBooked = booked.sort()[0];
  return {
    worstDpd,
    onTimeStreak,
    partialPayments: due.filter((i) => i.partlyPaid).length,
    brokenPromises: input.brokenPromises.filter((d) => d >= since).length,
    monthsOnBook: firstBooked ? monthsBetween(firstBooked, today) : 0,
  };
}

const characteristics = [
  { table: 'worstDpd', reason: 'BEHAVIOUR_DAYS_LATE' },
  { table: 'onTimeStreak', reason: 'BEHAVIOUR_ON_TIME_STREAK' },
  { table: 'partialPayments', reason: 'BEHAVIOUR_PARTIAL_PAYMENTS' },
  { table: 'brokenPromises', reason: 'BEHAVIOUR_BROKEN_PROMISES' },
  { table: 'monthsOnBook', reason: 'BEHAVIOUR_MONTHS_ON_BOOK' },
] as const satisfies readonly { table: keyof BehaviourFacts; reason: ReasonCode }[];

/** The behaviour score on the application scale, graded as applications are, with its adverse reasons. */
export function behaviourScore(input: BehaviourInput, rules: Rules): BehaviourScore {
  const facts = behaviourFacts(input, rules);
  const lines = characteristics.map((c, order) => {
    const bins = rules.behaviour.points[c.table];
    const points = pointsFor(bins, facts[c.table]);
    return { reason: c.reason, points, shortfall: Math.max(...bins.map((b) => b.points)) - points, order };
  });
  const score = Math.round(rules.behaviour.basePoints + lines.reduce((sum, l) => sum + l.points, 0));
  const reasonCodes = lines
    .filter((l) => l.shortfall > 0)
    .sort((a, b) => b.shortfall - a.shortfall || a.order - b.order)
    .map((l) => l.reason);
  return { score, grade: gradeOf(score, rules), facts, reasonCodes };
}

/** The person's credit limit as announced, with the grade and score it came from. */
export interface CreditLimitRecord {
  limit: Fen;
  grade: Grade;
  score: number;
}

/**
 * The limit a change of the person's history gives, from the income of their latest application (the
 * only income known between applications); undefined while no application has stated one.
 */
export function creditLimitOf(
  person: {
    histories: Readonly<Record<string, LoanHistory>>;
    brokenPromises: readonly LocalDate[];
    monthlyIncome?: Fen;
  },
  today: LocalDate,
  rules: Rules,
): CreditLimitRecord | undefined {
  if (person.monthlyIncome === undefined) return undefined;
  const { score, grade } = behaviourScore({ ...person, today }, rules);
  return { limit: creditLimit(grade, person.monthlyIncome, rules), grade, score };
}

/** Credit limit across partners: the income multiple times the grade's factor, in whole fen. */
export function creditLimit(grade: Grade, monthlyIncome: Fen, rules: Rules): Fen {
  const b = rules.behaviour;
  return Math.floor((Math.max(0, monthlyIncome) * b.limitIncomeMultiple * b.gradeFactorBps[grade]) / 10_000);
}

/** New credit is suspended while a promise broken in the last `suspendDaysAfterBrokenPromise` days stands. */
export function isSuspended(brokenPromises: readonly LocalDate[], today: LocalDate, rules: Rules): boolean {
  const from = addDays(today, -rules.behaviour.suspendDaysAfterBrokenPromise);
  return brokenPromises.some((d) => d > from && d <= today);
}

/**
 * What scoring enforces for a person who has borrowed before (a first-time applicant has no behaviour to
 * judge and is left to the application scorecard): the suspension, and the limit against what they owe at
 * every partner. The limit uses the income this application states, the person's latest word on it.
 */
export function behaviourStanding(
  person: {
    loans: Readonly<Record<string, LoanExposure>>;
    histories: Readonly<Record<string, LoanHistory>>;
    brokenPromises: readonly LocalDate[];
  },
  monthlyIncome: Fen,
  today: LocalDate,
  rules: Rules,
): BehaviourStanding | undefined {
  const known = Object.keys(person.histories).length + Object.keys(person.loans).length;
  if (known === 0 && person.brokenPromises.length === 0) return undefined;
  const { grade } = behaviourScore({ ...person, today }, rules);
  const outstanding = Object.values(person.loans)
    .flatMap((l) => l.unpaid)
    .reduce((sum, u) => sum + u.owed, 0);
  return {
    suspended: isSuspended(person.brokenPromises, today, rules),
    limit: creditLimit(grade, monthlyIncome, rules),
    outstanding,
  };
}
