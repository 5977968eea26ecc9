import type { Rules } from '#shared/config/rules.ts';
import { isPaid } from '#shared/lending/allocation.ts';
import { addDays, instantAt, localDateOf, minuteOfDay } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { activePlan } from '#shared/lending/hardship-plan.ts';
import type { InstallmentState, LocalDate } from '#shared/lending/types.ts';
import { type OpenPromise, promisePauseUntil } from './promises.ts';

export type Rung = Rules['collection']['ladder'][number];

/** The escalation of a loan: the episode under way, or the last one and how it ended. */
export interface EscalationState {
  episode: number;
  /** The last rung taken (null until the first). */
  rung: string | null;
  /** When the episode opened. */
  since: string;
  /** While a pause holds the ladder, the instant it resumes. */
  pausedUntil: string | null;
  /** Set once the workflow of this episode has been started. */
  executionStartedAt?: string;
  endedAt?: string;
  endReason?: 'cured' | 'paid_off' | 'restructured' | 'charged_off';
  /** The last step that failed after its retries (the episode stays open; ops are alarmed). */
  failure?: { rung: string; at: string; error: string };
  /** Promises to pay judged broken in this episode (from `brokenPromisesEndPause` on, promises pause no more). */
  brokenPromises?: number;
}

/** A dispute an agent recorded: the ladder waits until a supervisor resolves it. */
export interface Dispute {
  since: string;
  /** The desk task whose outcome raised it. */
  taskId: string;
}

/** What the ladder needs to know of a loan. */
export interface LadderLoan {
  status: 'active' | 'paid_off' | 'charged_off';
  escalation?: EscalationState;
  hardshipPlans?: HardshipPlan[];
  /** The open promise to pay, until the ageing job judges it. */
  promise?: OpenPromise;
  /** An open dispute, until a supervisor resolves it. */
  dispute?: Dispute;
}

export type RungDecision =
  | { kind: 'end'; reason: 'episode_over' | 'cured' | 'paid_off' | 'charged_off' }
  /** Not yet (dates moved, or a pause): wake again for `rung` at `at`. */
  | { kind: 'wait'; rung: string; at: Date; pausedUntil: Date | null }
  | {
      kind: 'act';
      rung: Rung;
      dpd: number;
      /** The oldest past-due installment: what messages and tasks name. */
      oldest: InstallmentState;
      /** False when the next rung is due already: a rung that only sends messages is not replayed late. */
      sendMessages: boolean;
      /** The rung after this one and when it falls, or null after the last. */
      next: { rung: string; at: Date } | null;
    };

export function rungById(id: string, rules: Rules): Rung | undefined {
  return rules.collection.ladder.find((r) => r.id === id);
}

/** The episode that is open (not ended), if any. */
export function openEpisode(loan: LadderLoan): EscalationState | undefined {
  return loan.escalation && !loan.escalation.endedAt ? loan.escalation : undefined;
}

/** The oldest unpaid installment whose due date has passed. */
export function oldestPastDue<T extends InstallmentState>(
  installments: readonly T[],
  today: LocalDate,
): T | undefined {
  return installments.find((i) => !isPaid(i) && i.dueDate < today);
}

/** Earliest due date of an unpaid installment, or undefined once nothing is owed. */
export function oldestUnpaidDueDate(installments: readonly InstallmentState[]): LocalDate | undefined {
  return installments.find((i) => !isPaid(i))?.dueDate;
}

/** The instant a rung falls for an installment due on `dueDate`: that many days later, at the sweep's time. */
export function rungInstant(rung: Rung, dueDate: LocalDate, rules: Rules): Date {
  return instantAt(addDays(dueDate, rung.offsetDays), minuteOfDay(rules.contact.sweepAt), rules.timezone);
}

/**
 * A rung's decision, made when its instant comes, on the loan as it is then (installments with penalty
 * accrued): the episode over (another one, or ended by a payment, restructuring or charge-off) ends
 * the workflow; a pause (`ladderPausedUntil`: hardship plan, dispute, promise) waits; a loan whose past-due amount is
 * within the tolerance is cured; a rung whose day moved (a deferral re-dated the schedule) waits for
 * it; otherwise the rung acts and names the next one.
 */
export function decideRung(
  loan: LadderLoan,
  installments: readonly InstallmentState[],
  input: { episode: number; rung: string },
  now: Date,
  rules: Rules,
): RungDecision {
  const episode = openEpisode(loan);
  if (!episode || episode.episode !== input.episode) return { kind: 'end', reason: 'episode_over' };
  if (loan.status === 'paid_off') return { kind: 'end', reason: 'paid_off' };
  if (loan.status === 'charged_off') return { kind: 'end', reason: 'charged_off' };
  const today = localDateOf(now, rules.timezone);
  const resume = ladderPausedUntil(loan, now, rules);
  if (resume) return { kind: 'wait', rung: input.rung, at: resume, pausedUntil: resume };
  const dpd = daysPastDue(installments, today, rules);
  const oldest = oldestPastDue(installments, today);
  if (dpd === 0 || !oldest) return { kind: 'end', reason: 'cured' };

  const ladder = rules.collection.ladder;
  const index = ladder.findIndex((r) => r.id === input.rung);
  const rung = ladder[index];
  if (!rung) throw new Error(`unknown rung ${input.rung}`);
  const at = rungInstant(rung, oldest.dueDate, rules);
  if (now.getTime() < at.getTime()) return { kind: 'wait', rung: rung.id, at, pausedUntil: null };

  const following = ladder[index + 1];
  const nextAt = following ? rungInstant(following, oldest.dueDate, rules) : undefined;
  return {
    kind: 'act',
    rung,
    dpd,
    oldest,
    sendMessages: !nextAt || now.getTime() < nextAt.getTime(),
    next:
      following && nextAt
        ? { rung: following.id, at: new Date(Math.max(now.getTime(), nextAt.getTime())) }
        : null,
  };
}

/**
 * While a pause holds the ladder, the instant to look again: a granted hardship plan and an open promise
 * (unless the episode had its broken promises) until the day after they end; a dispute has no end of its
 * own, so the ladder looks again each day at the sweep's time until a supervisor resolves it.
 */
export function ladderPausedUntil(loan: LadderLoan, now: Date, rules: Rules): Date | undefined {
  const today = localDateOf(now, rules.timezone);
  const sweepAt = minuteOfDay(rules.contact.sweepAt);
  const plan = activePlan(loan.hardshipPlans, today);
  if (plan?.endsOn) return instantAt(addDays(plan.endsOn, 1), sweepAt, rules.timezone);
  if (loan.dispute) {
    const todays = instantAt(today, sweepAt, rules.timezone);
    return now.getTime() < todays.getTime() ? todays : instantAt(addDays(today, 1), sweepAt, rules.timezone);
  }
  return promisePauseUntil(loan, now, rules);
}

/** Channels a rung's messages may use for a borrower: its channels less those the borrower cannot take. */
export function usableChannels(rung: Rung, unavailable: readonly string[]): ('sms' | 'email')[] {
  return rung.channels.filter((c) => !unavailable.includes(c));
}
