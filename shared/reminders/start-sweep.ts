import type { Rules } from '#shared/config/rules.ts';
import { dueDatesToSweep } from '#shared/contact/stages.ts';
import { addDays, daysBetween } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { SliceQueue } from '#shared/ports/slice-queue.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { SweepSlice } from '#shared/schemas/sweep-slice.ts';

export interface StartSweepDeps {
  repos: Pick<Stores, 'sweepSlices'>;
  slices: SliceQueue;
  rules: Rules;
}

export interface StartSweepResult {
  /** Business dates queued: missed ones first (oldest first), then the date asked for. */
  dates: LocalDate[];
  slices: number;
}

/** Every slice of one business date: each stage's due date in every shard, and the escalation starts. */
export function slicesOf(businessDate: LocalDate, rules: Rules): SweepSlice[] {
  const shards = Array.from({ length: rules.schedule.dueIndexShards }, (_, shard) => shard);
  const remind = dueDatesToSweep(businessDate, rules).flatMap(({ stage, dueDate }) =>
    shards.map((shard) => ({ businessDate, kind: 'remind' as const, stage: stage.id, dueDate, shard })),
  );
  // Grace ended yesterday for what fell due graceDays + 1 days ago: those loans enter an episode.
  const graceEnded = addDays(businessDate, -(rules.delinquency.graceDays + 1));
  const escalate = shards.map((shard) => ({
    businessDate,
    kind: 'escalate' as const,
    dueDate: graceEnded,
    shard,
  }));
  return [...remind, ...escalate];
}

/**
 * The daily sweep's coordinator (09:00 lender time): queues one slice per (date, stage, shard) and
 * moves the cursor. Dates the cursor says were never swept (the scheduler was down) are queued too, up
 * to `sweepCatchUpDays`: their overdue reminders still go out (the sender drops what was paid since),
 * and a pre-due reminder whose day has passed is recorded as suppressed (`missed_window`) by the
 * sender, never silently dropped. Queuing is idempotent (a slice done stays done), so a duplicated or
 * retried coordinator does no harm; the cursor moves only after every slice is queued.
 */
export async function startDailySweep(
  deps: StartSweepDeps,
  businessDate: LocalDate,
): Promise<StartSweepResult> {
  const last = await deps.repos.sweepSlices.lastSweptDate();
  const dates: LocalDate[] = [];
  if (last !== undefined && last < businessDate) {
    const missed = Math.min(daysBetween(last, businessDate) - 1, deps.rules.contact.sweepCatchUpDays);
    for (let back = missed; back >= 1; back--) dates.push(addDays(businessDate, -back));
  }
  dates.push(businessDate);
  const slices = dates.flatMap((date) => slicesOf(date, deps.rules));
  for (let i = 0; i < slices.length; i += 10) await deps.slices.enqueue(slices.slice(i, i + 10));
  await deps.repos.sweepSlices.advanceCursor(businessDate);
  return { dates, slices: slices.length };
}
