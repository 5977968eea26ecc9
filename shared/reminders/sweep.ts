import type { Rules } from '#shared/config/rules.ts';
import { dueDatesToSweep } from '#shared/contact/stages.ts';
import { startEpisode } from '#shared/escalation/start-episode.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContactQueue } from '#shared/ports/contact.ts';
import type { EscalationWorkflow } from '#shared/ports/escalation.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';

export interface SweepDeps {
  repos: Pick<Stores, 'dueIndex' | 'sweepRuns' | 'borrowers' | 'loans'>;
  /** Starts the escalation of loans whose grace ended yesterday; without it, the ageing job does. */
  workflow?: EscalationWorkflow;
  queue: ContactQueue;
  events: EventBus;
  clock: Clock;
  rules: Rules;
}

export interface SweepResult {
  status: 'swept' | 'already-done' | 'running-elsewhere';
  installments: number;
  jobs: number;
  /** Read units the due-index queries consumed: the sweep reads nothing else. */
  readUnits: number;
}

/**
 * Reminders, first half (the daily sweep): for the business date, query the due-date index once per stage (never a scan),
 * group what is due by borrower, partner and stage into one job per channel, queue the jobs, and
 * publish InstallmentDueSoon / InstallmentOverdue. Whether each message may go out, and to whom,
 * is the sender's business: it re-reads the loan and the borrower at the moment of sending.
 */
export async function sweepReminders(deps: SweepDeps, businessDate: LocalDate): Promise<SweepResult> {
  const { rules } = deps;
  const begun = await deps.repos.sweepRuns.begin(
    businessDate,
    deps.clock.now(),
    deps.rules.contact.sweepLeaseSeconds,
  );
  if (begun !== 'started') {
    return {
      status: begun === 'done' ? 'already-done' : 'running-elsewhere',
      installments: 0,
      jobs: 0,
      readUnits: 0,
    };
  }
  const at = deps.clock.now().toISOString();
  const jobs = new Map<string, ContactJob>();
  const events: DomainEvent[] = [];
  let installments = 0;
  let readUnits = 0;

  for (const { stage, dueDate } of dueDatesToSweep(businessDate, rules)) {
    const due = await deps.repos.dueIndex.findDueInstallments(dueDate);
    readUnits += due.consumedReadUnits;
    for (const inst of due.installments) {
      const owed = outstanding(inst).total;
      // Past the due date, a few fen left over are within tolerance: not overdue, no reminder.
      if (stage.offsetDays > 0 && owed <= rules.delinquency.arrearsToleranceFen) continue;
      installments++;
      for (const channel of stage.channels) {
        const jobId = [businessDate, inst.partnerId, inst.borrowerId, stage.id, channel].join('|');
        const job = jobs.get(jobId) ?? {
          jobId,
          businessDate,
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
      if (stage.offsetDays === 1) {
        events.push({ type: 'InstallmentOverdue', at, detail });
      }
    }
  }

  const ordered = [...jobs.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : 1));
  for (let i = 0; i < ordered.length; i += 10) await deps.queue.enqueue(ordered.slice(i, i + 10));
  await deps.events.publish(events);
  if (deps.workflow) {
    const episodes = await startEpisodesPastGrace({ ...deps, workflow: deps.workflow }, businessDate);
    installments += episodes.installments;
    readUnits += episodes.readUnits;
  }
  await deps.repos.sweepRuns.complete(businessDate, { installments, jobs: ordered.length, readUnits });
  return { status: 'swept', installments, jobs: ordered.length, readUnits };
}

/**
 * The escalation's start: installments whose grace ended yesterday (due `graceDays + 1` days ago) put
 * their loans into an episode. Each start is idempotent, and the daily ageing job starts any a missed
 * sweep left unstarted.
 */
async function startEpisodesPastGrace(
  deps: SweepDeps & { workflow: EscalationWorkflow },
  businessDate: LocalDate,
): Promise<{ installments: number; readUnits: number }> {
  const due = await deps.repos.dueIndex.findDueInstallments(
    addDays(businessDate, -(deps.rules.delinquency.graceDays + 1)),
  );
  const loanIds = [...new Set(due.installments.map((i) => i.loanId))].sort();
  for (const loanId of loanIds) await startEpisode(deps, loanId);
  return { installments: due.installments.length, readUnits: due.consumedReadUnits };
}
