import { outstanding } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { Fen, InstallmentState, LocalDate } from '#shared/lending/types.ts';

/**
 * The collection desk's decisions on one agent task: who may hold it (a lease), what an outcome may say,
 * and the borrower's daily call cap. Pure: the use cases load the task, call these, and save what they
 * answer under a condition that the stored task is still what was decided on.
 */

/** What the desk decides on: a task's lifecycle as stored. */
export interface DeskTaskState {
  taskId: string;
  /** `done` once an outcome is recorded; a done task is never handed out again. */
  status: 'open' | 'done';
  /** The agent holding the task, until `leaseUntil` (ISO instant); both absent when nobody does. */
  claimedBy?: string;
  leaseUntil?: string;
}

export type AgentOutcome =
  | 'reached'
  | 'no_answer'
  | 'wrong_number'
  | 'refused'
  | 'dispute'
  | 'promise_to_pay';

/** Holds a live lease: claimed by someone, and the lease not over at `now`. */
export function isHeld(task: DeskTaskState, now: Date): boolean {
  return (
    task.claimedBy !== undefined &&
    task.leaseUntil !== undefined &&
    Date.parse(task.leaseUntil) > now.getTime()
  );
}

export type ClaimDecision =
  | { kind: 'claim'; leaseUntil: string }
  | { kind: 'done' }
  /** Another agent holds it until `leaseUntil`. */
  | { kind: 'held'; leaseUntil: string };

/**
 * One agent at a time: a task nobody holds (or whose lease ran out) is claimed for `leaseMinutes`; the
 * agent holding it may claim again to extend the lease; another agent is refused until the lease ends.
 */
export function decideClaim(
  task: DeskTaskState,
  agentId: string,
  now: Date,
  leaseMinutes: number,
): ClaimDecision {
  if (task.status === 'done') return { kind: 'done' };
  if (isHeld(task, now) && task.claimedBy !== agentId)
    return { kind: 'held', leaseUntil: task.leaseUntil as string };
  return { kind: 'claim', leaseUntil: new Date(now.getTime() + leaseMinutes * 60_000).toISOString() };
}

export type ReleaseDecision = { kind: 'release' } | { kind: 'done' } | { kind: 'not_holder' };

/** Only the agent holding a live lease gives the task back; it is open to anyone at once. */
export function decideRelease(task: DeskTaskState, agentId: string, now: Date): ReleaseDecision {
  if (task.status === 'done') return { kind: 'done' };
  if (!isHeld(task, now) || task.claimedBy !== agentId) return { kind: 'not_holder' };
  return { kind: 'release' };
}

/**
 * The call cap, checked before a task is handed out: at most `cap` agent calls per borrower per local day.
 * `callsToday` are the task ids already counted for the borrower that day; a task counted already does not
 * count twice (a second claim of the same task, or the rung that opened it today).
 */
export function callCapAllows(callsToday: readonly string[], taskId: string, cap: number): boolean {
  return callsToday.includes(taskId) || callsToday.length < cap;
}

export interface PromiseInput {
  date: LocalDate;
  amount: Fen;
}

export type PromiseRefusal =
  | { kind: 'promise_date_past'; earliest: LocalDate }
  | { kind: 'promise_date_too_far'; latest: LocalDate }
  | { kind: 'promise_amount_too_small'; minimum: Fen };

/**
 * A promise to pay (domain rules, "Collection desk"): dated from today to `maxDaysAhead` days ahead in the
 * lender's time, for at least the smallest part of the past-due amount one installment makes up (what the
 * borrower owes on any one past-due installment); with nothing past due, any positive amount.
 */
export function promiseRefusal(
  promise: PromiseInput,
  today: LocalDate,
  installments: readonly InstallmentState[],
  maxDaysAhead: number,
): PromiseRefusal | undefined {
  if (promise.date < today) return { kind: 'promise_date_past', earliest: today };
  const latest = addDays(today, maxDaysAhead);
  if (promise.date > latest) return { kind: 'promise_date_too_far', latest };
  const pastDueParts = installments
    .filter((i) => i.dueDate < today)
    .map((i) => outstanding(i).total)
    .filter((owed) => owed > 0);
  const minimum = pastDueParts.length > 0 ? Math.min(...pastDueParts) : 1;
  if (promise.amount < minimum) return { kind: 'promise_amount_too_small', minimum };
  return undefined;
}

export type OutcomeDecision =
  | { kind: 'record' }
  | { kind: 'done' }
  | { kind: 'not_holder' }
  | { kind: 'promise'; refusal: PromiseRefusal };

/**
 * An outcome is recorded by the agent holding the task under a live lease (so two agents never record two
 * outcomes of one call), once; a promise must keep the promise rules.
 */
export function decideOutcome(
  task: DeskTaskState,
  agentId: string,
  now: Date,
  promise:
    | {
        input: PromiseInput;
        today: LocalDate;
        installments: readonly InstallmentState[];
        maxDaysAhead: number;
      }
    | undefined,
): OutcomeDecision {
  if (task.status === 'done') return { kind: 'done' };
  if (!isHeld(task, now) || task.claimedBy !== agentId) return { kind: 'not_holder' };
  if (promise) {
    const refusal = promiseRefusal(promise.input, promise.today, promise.installments, promise.maxDaysAhead);
    if (refusal) return { kind: 'promise', refusal };
  }
  return { kind: 'record' };
}
