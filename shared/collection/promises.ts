import type { Rules } from '#shared/config/rules.ts';
import { addDays, instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { Fen, InstallmentState, LocalDate } from '#shared/lending/types.ts';
import { type PromiseInput, type PromiseRefusal, promiseRefusal } from './desk-task.ts';

/**
 * Promises to pay (domain rules, "Collection desk"): what the ladder keeps of the open one, when it pauses
 * the ladder, and how it is judged the day after its date. Pure: the use cases load, call these and save.
 */

/** The promise the loan waits on, kept on the loan record so the ladder's decision sees it. */
export interface OpenPromise {
  promiseId: string;
  /** The last day of the promise (lender time): payments up to its end count. */
  date: LocalDate;
  amount: Fen;
  /** When it was made: payments from this instant count. */
  madeAt: string;
  source: 'desk' | 'partner';
}

/** What the loan keeps of a promise made. */
export function openPromiseOf(promise: OpenPromise): OpenPromise {
  const { promiseId, date, amount, madeAt, source } = promise;
  return { promiseId, date, amount, madeAt, source };
}

/** What the promise decisions need to know of the loan's episode (its `EscalationState`). */
export interface PromiseEpisode {
  endedAt?: string;
  brokenPromises?: number;
}

/** What the promise decisions need to know of a loan. */
export interface PromiseLoan {
  status: 'active' | 'paid_off' | 'charged_off';
  escalation?: PromiseEpisode;
  promise?: OpenPromise;
}

/** The instant a promise's pause ends: the day after its date, at the sweep's time (as hardship resumes). */
export function promiseResumesAt(date: LocalDate, rules: Rules): Date {
  return instantAt(addDays(date, 1), minuteOfDay(rules.contact.sweepAt), rules.timezone);
}

/** Promises judged broken in the loan's open episode (none without one). */
export function brokenInEpisode(loan: PromiseLoan): number {
  const episode = loan.escalation;
  return episode && !episode.endedAt ? (episode.brokenPromises ?? 0) : 0;
}

/**
 * The instant the open promise holds the ladder until, or undefined when it does not hold it: no promise,
 * its pause over, or the episode had its `brokenPromisesEndPause` broken promises (a promise is still
 * recorded and judged then, but no longer pauses).
 */
export function promisePauseUntil(loan: PromiseLoan, now: Date, rules: Rules): Date | undefined {
  if (!loan.promise) return undefined;
  if (brokenInEpisode(loan) >= rules.collection.brokenPromisesEndPause) return undefined;
  const until = promiseResumesAt(loan.promise.date, rules);
  return now.getTime() < until.getTime() ? until : undefined;
}

export type NewPromiseRefusal =
  | PromiseRefusal
  | { kind: 'loan_not_active'; status: string }
  | { kind: 'nothing_past_due' }
  | { kind: 'promise_open'; date: LocalDate };

/**
 * A new promise on a loan: refused on a loan that is not active, while another promise is open (one at a
 * time: it is judged first), with nothing past due when `requirePastDue` (a partner's promise is for what
 * is owed; a desk call may note any), and otherwise by the promise rules (`promiseRefusal`).
 */
export function newPromiseRefusal(
  loan: PromiseLoan,
  installments: readonly InstallmentState[],
  input: PromiseInput,
  today: LocalDate,
  rules: Rules,
  requirePastDue: boolean,
): NewPromiseRefusal | undefined {
  if (loan.status !== 'active') return { kind: 'loan_not_active', status: loan.status };
  if (loan.promise) return { kind: 'promise_open', date: loan.promise.date };
  if (requirePastDue && daysPastDue(installments, today, rules) === 0) return { kind: 'nothing_past_due' };
  return promiseRefusal(input, today, installments, rules.collection.promiseMaxDaysAhead);
}

/** A payment as the judgment counts it. */
export interface PaymentMade {
  amount: Fen;
  /** When the borrower paid (ISO instant). */
  paidAt: string;
}

export interface PromiseVerdict {
  verdict: 'kept' | 'broken';
  /** What was paid from the promise to the end of its date. */
  paid: Fen;
}

/** A promise is judged from the day after its date (lender time), never before. */
export function isDueForJudgment(promise: OpenPromise, today: LocalDate): boolean {
  return today > promise.date;
}

/**
 * Kept when the payments from the promise's making to the end of its date (midnight starting the next day,
 * lender time) reach its amount within the arrears tolerance; broken otherwise.
 */
export function judgePromise(
  promise: OpenPromise,
  payments: readonly PaymentMade[],
  rules: Rules,
): PromiseVerdict {
  const from = Date.parse(promise.madeAt);
  const until = instantAt(addDays(promise.date, 1), 0, rules.timezone).getTime();
  const paid = payments
    .filter((p) => {
      const at = Date.parse(p.paidAt);
      return at >= from && at < until;
    })
    .reduce((sum, p) => sum + p.amount, 0);
  const kept = paid + rules.delinquency.arrearsToleranceFen >= promise.amount;
  return { verdict: kept ? 'kept' : 'broken', paid };
}

/**
 * The loan once its promise is judged: the promise no longer open (a kept one ends the pause; the ladder
 * then finds the loan cured or resumes), and a broken one counted in the open episode.
 */
export function afterJudgment<T extends PromiseLoan>(loan: T, verdict: PromiseVerdict['verdict']): T {
  const { promise: _judged, ...rest } = loan;
  const episode = loan.escalation;
  if (verdict === 'kept' || !episode || episode.endedAt) return rest as T;
  return {
    ...rest,
    escalation: { ...episode, brokenPromises: (episode.brokenPromises ?? 0) + 1 },
  } as T;
}

/** A refusal as the caller is told it: its code, the field at fault and why. */
export function promiseRefusalIssue(refusal: NewPromiseRefusal): {
  code: string;
  path: string;
  message: string;
} {
  const path = (field: 'date' | 'amount') => ({ code: refusal.kind, path: field });
  switch (refusal.kind) {
    case 'promise_date_past':
      return { ...path('date'), message: `a promise is dated from today (${refusal.earliest}) on` };
    case 'promise_date_too_far':
      return { ...path('date'), message: `a promise is dated at most ${refusal.latest}` };
    case 'promise_amount_too_small':
      return {
        ...path('amount'),
        message: `a promise is for at least ${refusal.minimum} fen (the smallest past-due installment part)`,
      };
    case 'promise_open':
      return {
        ...path('date'),
        message: `a promise dated ${refusal.date} is open on this loan; a new one is made once it is judged`,
      };
    case 'nothing_past_due':
      return { ...path('amount'), message: 'nothing on this loan is past due: there is nothing to promise' };
    case 'loan_not_active':
      return { ...path('amount'), message: `the loan is ${refusal.status}` };
  }
}
