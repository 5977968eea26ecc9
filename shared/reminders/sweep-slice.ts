import type { Rules } from '#shared/config/rules.ts';
import { stageById } from '#shared/contact/stages.ts';
import { SliceBusy } from '#shared/errors/domain-errors.ts';
import { startEpisode } from '#shared/escalation/start-episode.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContactQueue } from '#shared/ports/contact.ts';
import type { EscalationWorkflow } from '#shared/ports/escalation.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { InstallmentRecord, SliceCounts } from '#shared/ports/records.ts';
import type { SliceQueue } from '#shared/ports/slice-queue.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { type SweepSlice, sliceIdOf } from '#shared/schemas/sweep-slice.ts';

export interface SweepSliceDeps {
  repos: Pick<Stores, 'dueIndex' | 'sweepSlices' | 'loans'>;
  queue: ContactQueue;
  /** Where the rest of a slice goes when this invocation's budget is spent. */
  slices: SliceQueue;
  /** Starts escalation episodes (`escalate` slices); without it, the daily ageing job does. */
  workflow?: EscalationWorkflow;
  events: EventBus;
  clock: Clock;
  rules: Rules;
}

/** When to stop paging and hand the rest on: the Lambda's remaining time, or a page count in tests. */
export interface SliceBudget {
  /** This invocation's name on the lease. */
  owner: string;
  /** True when there is no time for another page. */
  spent(): boolean;
  /** Called after each page's work is queued and checkpointed (fault injection in the simulator). */
  afterPage?: () => void;
}

export interface SliceResult {
  status: 'done' | 'already-done' | 'continued';
  counts: SliceCounts;
}

/**
 * One slice of the daily sweep: pages through one due-index shard from its checkpoint. For each page,
 * reminders are grouped by borrower into one job per channel (or, for `escalate`, each loan's episode
 * is started), the jobs and events are queued, and only then the checkpoint is stored and the lease
 * renewed: a crash redoes at most one page, whose jobs carry the same ids (the sender claims each
 * contact once). A slice held by a live invocation throws `SliceBusy` (SQS delivers it again later);
 * a budget spent queues the rest of the slice as a new message.
 */
export async function runSweepSlice(
  deps: SweepSliceDeps,
  slice: SweepSlice,
  budget: SliceBudget,
): Promise<SliceResult> {
  const { rules } = deps;
  const sliceId = sliceIdOf(slice);
  const leaseMs = rules.contact.sweepSliceLeaseSeconds * 1000;
  const begun = await deps.repos.sweepSlices.begin(
    slice.businessDate,
    sliceId,
    budget.owner,
    deps.clock.now(),
    rules.contact.sweepSliceLeaseSeconds,
  );
  if (begun.kind === 'done') return { status: 'already-done', counts: begun.counts };
  if (begun.kind === 'busy') throw new SliceBusy(`slice ${sliceId} is held until ${begun.leaseUntil}`);

  const counts = { ...begun.counts };
  let cursor = begun.checkpoint;
  do {
    const page = await deps.repos.dueIndex.findDuePage(
      slice.dueDate,
      slice.shard,
      cursor,
      rules.contact.sweepPageSize,
    );
    counts.pages += 1;
    counts.readUnits += page.consumedReadUnits;
    if (slice.kind === 'remind') {
      const planned = remindersOf(slice, page.installments, deps.clock.now(), rules);
      for (let i = 0; i < planned.jobs.length; i += 10)
        await deps.queue.enqueue(planned.jobs.slice(i, i + 10));
      await deps.events.publish(planned.events);
      counts.installments += planned.installments;
      counts.jobs += planned.jobs.length;
    } else if (deps.workflow) {
      const loanIds = [...new Set(page.installments.map((i) => i.loanId))];
      for (const loanId of loanIds) await startEpisode({ ...deps, workflow: deps.workflow }, loanId);
      counts.installments += page.installments.length;
    }
    cursor = page.next;
    await deps.repos.sweepSlices.checkpoint(
      slice.businessDate,
      sliceId,
      budget.owner,
      cursor,
      counts,
      new Date(deps.clock.now().getTime() + leaseMs),
    );
    budget.afterPage?.();
  } while (cursor !== undefined && !budget.spent());

  if (cursor !== undefined) {
    // Out of budget: the rest goes on as a new delivery, which takes the lease over from the checkpoint.
    await deps.repos.sweepSlices.checkpoint(
      slice.businessDate,
      sliceId,
      budget.owner,
      cursor,
      counts,
      new Date(0),
    );
    await deps.slices.enqueue([slice]);
    return { status: 'continued', counts };
  }
  await deps.repos.sweepSlices.complete(slice.businessDate, sliceId, budget.owner, counts);
  return { status: 'done', counts };
}

/**
 * A page's reminders: one job per (borrower, partner, stage, channel) with every installment of theirs
 * the stage covers, and `InstallmentDueSoon` / `InstallmentOverdue`. Past the due date, a few fen left
 * over are within tolerance: not overdue, no reminder. Whether each message may go out is the sender's
 * business: it re-reads the loan and the borrower at the moment of sending.
 */
export function remindersOf(
  slice: SweepSlice,
  installments: readonly InstallmentRecord[],
  now: Date,
  rules: Rules,
): { jobs: ContactJob[]; events: DomainEvent[]; installments: number } {
  const stage = slice.stage ? stageById(slice.stage, rules) : undefined;
  if (!stage) throw new Error(`unknown reminder stage ${slice.stage}`);
  const at = now.toISOString();
  const jobs = new Map<string, ContactJob>();
  const events: DomainEvent[] = [];
  let count = 0;
  for (const inst of installments) {
    const owed = outstanding(inst).total;
    if (stage.offsetDays > 0 && owed <= rules.delinquency.arrearsToleranceFen) continue;
    count++;
    for (const channel of stage.channels) {
      const jobId = [slice.businessDate, inst.partnerId, inst.borrowerId, stage.id, channel].join('|');
      const job = jobs.get(jobId) ?? {
        jobId,
        businessDate: slice.businessDate,
        partnerId: inst.partnerId,
        borrowerId: inst.borrowerId,
        stage: stage.id,
        offsetDays: stage.offsetDays,
        channel,
        items: [],
      };
      job.items.push({ loanId: inst.loanId, installmentNo: inst.installmentNo, dueDate: inst.dueDate });
      jobs.set(jobId, job);
    }
    const detail = {
      loanId: inst.loanId,
      partnerId: inst.partnerId,
      borrowerId: inst.borrowerId,
      installmentNo: inst.installmentNo,
      dueDate: inst.dueDate,
      stage: stage.id,
      amountOutstanding: owed,
    };
    if (stage.offsetDays <= 0) events.push({ type: 'InstallmentDueSoon', at, detail });
    if (stage.offsetDays === 1) events.push({ type: 'InstallmentOverdue', at, detail });
  }
  const ordered = [...jobs.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : 1));
  return { jobs: ordered, events, installments: count };
}
