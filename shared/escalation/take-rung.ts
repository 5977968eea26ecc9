import { decideRung, type EscalationState, type Rung } from '#shared/collection/ladder.ts';
import { type RungTask, rungEffects, rungMessageItems } from '#shared/collection/rung-effects.ts';
import { changeStanding } from '#shared/collection/standing.ts';
import { phoneMarkedWrong } from '#shared/contact/policy.ts';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import {
  addDays,
  formatInstantInZone,
  instantAt,
  localDateOf,
  minuteOfDay,
  toZoned,
} from '#shared/lending/calendar.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import { loanDelta } from '#shared/lending/portfolio-tally.ts';
import type { BorrowerRecord, CollectionTask, InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { EscalationDeps } from './escalation-deps.ts';

/** What each rung task of the workflow is given: the loan, its episode, the rung and its instant. */
export interface RungInput {
  loanId: string;
  episode: number;
  rung: string;
  scheduledAt: string;
}

/** What it answers: the rung to wait for next (or `end`) and when; the workflow's Wait reads `nextAt`. */
export interface RungOutput {
  loanId: string;
  episode: number;
  next: string;
  nextAt: string;
}

/**
 * One rung of the ladder: re-read the loan, decide (`decideRung`), and act. The rung is recorded on the
 * loan (with any non-performing or charge-off transition) under the version check, then its messages
 * are queued for the sender — the same contact rules, ledger and carrier as reminders, keyed by episode
 * so a retry sends nothing twice — and its tasks recorded once and handed to their queue. A retried step
 * finds the rung taken and only repeats the idempotent hand-offs.
 */
export async function takeRung(deps: EscalationDeps, input: RungInput): Promise<RungOutput> {
  const { rules } = deps;
  const out = (next: string, at: Date): RungOutput => ({ ...pick(input), next, nextAt: at.toISOString() });
  for (;;) {
    const now = deps.clock.now();
    const current = await deps.repos.loans.getLoanWithInstallments(input.loanId);
    if (!current) return out('end', now);
    const { loan } = current;
    const today = localDateOf(now, rules.timezone);
    const installments = accrueLoanPenalty(loan, current.installments, today, rules);
    const decision = decideRung(loan, installments, input, now, rules);
    try {
      if (decision.kind === 'end') {
        if (decision.reason === 'cured') await endEpisode(deps, loan, input.episode, now);
        return out('end', now);
      }
      if (decision.kind === 'wait') {
        const pausedUntil = decision.pausedUntil?.toISOString() ?? null;
        const episode = loan.escalation as EscalationState;
        if (episode.pausedUntil !== pausedUntil)
          await deps.repos.loans.saveLoan({ ...loan, escalation: { ...episode, pausedUntil } }, loan.version);
        return out(decision.rung, decision.at);
      }
      const borrower = await deps.repos.borrowers.get(loan.partnerId, loan.borrowerId);
      const effects = rungEffects(
        decision.rung,
        {
          ...pick(input),
          partnerId: loan.partnerId,
          borrowerId: loan.borrowerId,
          unavailable: unavailableChannels(borrower),
          consents: borrower?.preferences.consents ?? NO_CONSENTS,
        },
        decision.sendMessages,
        loan.nonPerformingSince !== undefined,
        rules,
      );
      // The agent cap is checked before anything is recorded: a full day moves the whole rung to tomorrow.
      if (!(await reserveAgentSlots(deps, loan, borrower, effects.tasks, now))) {
        const tomorrow = addDays(localDateOf(now, rules.timezone), 1);
        return out(decision.rung.id, instantAt(tomorrow, minuteOfDay(rules.contact.sweepAt), rules.timezone));
      }
      const next = decision.next ? out(decision.next.rung, decision.next.at) : out('end', now);
      // The attempt that recorded the rung had handed everything over first: nothing is left to do.
      if (taken(loan.escalation, decision.rung, deps)) return next;
      const oldest = { ...decision.oldest, loanId: loan.loanId } as InstallmentRecord;
      const { businessDate, items } = rungMessageItems(oldest, now, rules);
      await deps.contactQueue.enqueue(
        effects.messages.map((m) => ({
          jobId: m.jobId,
          businessDate,
          partnerId: loan.partnerId,
          borrowerId: loan.borrowerId,
          stage: decision.rung.id,
          offsetDays: decision.rung.offsetDays,
          channel: m.channel,
          items,
          episode: input.episode,
        })),
      );
      await handOverTasks(
        deps,
        loan,
        borrower,
        input,
        decision.rung,
        oldest.installmentNo,
        effects.tasks,
        now,
      );
      // Recorded last, so a crash before it leaves the rung to the retry, which hands over again what
      // is not yet out (the ledger and the task records keep each once) and publishes again.
      const { loan: recorded, events } = recordedRung(deps, loan, decision.rung, decision.dpd, now);
      await deps.events.publish(events);
      // A rung's charge-off leaves the book: the totals move in the same write.
      await deps.repos.loans.saveInstallments(recorded, loan.version, [], {
        events: [],
        portfolio: loanDelta(current, { loan: recorded, installments }),
      });
      return next;
    } catch (err) {
      if (err instanceof LoanVersionConflict) continue; // another writer: read again and decide again
      throw err;
    }
  }
}

/** A borrower not on record consented to nothing. */
const NO_CONSENTS = { contactBySms: false, contactByEmail: false, shareWithCollectionAgencies: false };

/** Channels no automated message can use: opted out, no address to send to, or a number found wrong. */
function unavailableChannels(borrower: BorrowerRecord | undefined): string[] {
  if (!borrower) return ['sms', 'email'];
  return [
    ...borrower.preferences.optOut,
    ...(borrower.phoneEncrypted && !phoneMarkedWrong(borrower) ? [] : ['sms']),
    ...(borrower.emailEncrypted ? [] : ['email']),
  ];
}

const pick = (input: RungInput) => ({ loanId: input.loanId, episode: input.episode });

/** Was this rung (or a later one) already recorded in the episode? Then this is a retry. */
function taken(episode: EscalationState | undefined, rung: Rung, deps: EscalationDeps): boolean {
  if (!episode?.rung) return false;
  const ladder = deps.rules.collection.ladder;
  return ladder.findIndex((r) => r.id === episode.rung) >= ladder.findIndex((r) => r.id === rung.id);
}

/** The loan with the rung recorded and the transition it makes, and the events that tell of them. */
function recordedRung(
  deps: EscalationDeps,
  loan: LoanRecord,
  rung: Rung,
  dpd: number,
  now: Date,
): { loan: LoanRecord; events: DomainEvent[] } {
  const at = now.toISOString();
  const today = localDateOf(now, deps.rules.timezone);
  const episode = loan.escalation as EscalationState;
  const stepped = { ...loan, escalation: { ...episode, rung: rung.id, pausedUntil: null } };
  const { loan: next, made } = changeStanding(stepped, dpd, today, at, deps.rules, rung.transition);
  const who = { loanId: loan.loanId, partnerId: loan.partnerId, borrowerId: loan.borrowerId };
  const isFirst = deps.rules.collection.ladder[0]?.id === rung.id;
  const events: DomainEvent[] = [
    {
      type: isFirst ? 'EscalationStarted' : 'EscalationStepTaken',
      at,
      detail: { ...who, episode: episode.episode, rung: rung.id, daysPastDue: dpd },
    },
  ];
  if (made.includes('non_performing'))
    events.push({ type: 'LoanNonPerforming', at, detail: { ...who, daysPastDue: dpd } });
  if (made.includes('charged_off'))
    events.push({ type: 'LoanChargedOff', at, detail: { ...who, daysPastDue: dpd } });
  return { loan: next, events };
}

/** Agent calls count against the person's daily cap; the reservation is idempotent per task. */
async function reserveAgentSlots(
  deps: EscalationDeps,
  loan: LoanRecord,
  borrower: BorrowerRecord | undefined,
  tasks: RungTask[],
  now: Date,
): Promise<boolean> {
  const timezone = borrower?.preferences.timezone ?? deps.rules.timezone;
  for (const task of tasks.filter((t) => t.type === 'agent_call')) {
    const reserved = await deps.repos.contacts.reserveDailySlot({
      identityHash: loan.identityHash,
      localDate: toZoned(now, timezone).date,
      channel: 'agent',
      messageKey: task.taskId,
      cap: deps.rules.contact.maxAgentTasksPerBorrowerPerDay,
    });
    if (!reserved) return false;
  }
  return true;
}

/** Each task recorded once, and handed to its queue (with its contact line) until that is marked done. */
async function handOverTasks(
  deps: EscalationDeps,
  loan: LoanRecord,
  borrower: BorrowerRecord | undefined,
  input: RungInput,
  rung: Rung,
  installmentNo: number,
  tasks: RungTask[],
  now: Date,
): Promise<void> {
  const timezone = borrower?.preferences.timezone ?? deps.rules.timezone;
  for (const t of tasks) {
    const task: CollectionTask = {
      ...t,
      loanId: loan.loanId,
      partnerId: loan.partnerId,
      borrowerId: loan.borrowerId,
      episode: input.episode,
      rung: rung.id,
      installmentNo,
      status: 'open',
      createdAt: now.toISOString(),
    };
    if ((await deps.repos.tasks.record(task)).handedOver) continue;
    await deps.taskQueue.enqueue(task);
    await deps.log.record([
      {
        at: formatInstantInZone(now, timezone),
        borrowerId: loan.borrowerId,
        loanId: loan.loanId,
        installmentNo,
        stage: rung.id,
        channel: task.queue === deps.rules.collection.legalQueueName ? 'legal' : 'agent',
        to: task.queue,
        templateId: `task.${task.type}`,
        language: borrower?.preferences.language ?? 'zh-CN',
        status: 'sent',
        ...(task.reason === 'rung' ? {} : { reason: task.reason }),
      },
    ]);
    await deps.repos.tasks.markHandedOver(task.loanId, task.taskId, now.toISOString());
  }
}

/** A rung that finds the loan cured (no payment ended the episode: e.g. a deferral) ends it on the loan. */
async function endEpisode(deps: EscalationDeps, loan: LoanRecord, episode: number, now: Date): Promise<void> {
  const open = loan.escalation;
  if (!open || open.episode !== episode || open.endedAt) return;
  const ended = { ...open, endedAt: now.toISOString(), endReason: 'cured' as const };
  await deps.repos.loans.saveLoan({ ...loan, escalation: ended }, loan.version);
}
