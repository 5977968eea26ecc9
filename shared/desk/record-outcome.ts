import { type AgentOutcome, decideOutcome } from '#shared/collection/desk-task.ts';
import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import {
  NoteCarriesPersonalData,
  PromiseRefused,
  TaskDone,
  TaskNotHeld,
} from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Fen, LocalDate } from '#shared/lending/types.ts';
import type { AuditRecord, OpsUser, PromiseToPay } from '#shared/ports/desk.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { DeskDeps } from './desk-deps.ts';
import { type DeskTaskView, loadDeskTask, taskView } from './desk-task-view.ts';

export type OutcomeInput =
  | { outcome: Exclude<AgentOutcome, 'promise_to_pay'>; note?: string }
  | { outcome: 'promise_to_pay'; date: LocalDate; amount: Fen; note?: string };

const promiseMessages = {
  promise_date_past: (d: { earliest?: string }) => `a promise is dated from today (${d.earliest}) on`,
  promise_date_too_far: (d: { latest?: string }) => `a promise is dated at most ${d.latest}`,
  promise_amount_too_small: (d: { minimum?: number }) =>
    `a promise is for at least ${d.minimum} fen (the smallest past-due installment part)`,
} as const;

/**
 * The holding agent records what the call came to: the task closes, `AgentTaskCompleted` is emitted, and a
 * promise to pay is stored with `PromiseToPayRecorded`, all with the audit record in one transaction.
 * (The ladder's pause for a promise, and judging it kept or broken, are not done here.)
 */
export async function recordOutcome(
  deps: DeskDeps,
  user: OpsUser,
  loanId: string,
  taskId: string,
  input: OutcomeInput,
): Promise<DeskTaskView & { promise?: PromiseToPay }> {
  // Checked before anything is read: a note with personal data is refused whatever the task's state.
  const found = input.note === undefined ? undefined : personalDataIn(input.note);
  if (found) throw new NoteCarriesPersonalData('note', found);
  const now = deps.clock.now();
  const at = now.toISOString();
  const { task, loan, installments } = await loadDeskTask(deps, loanId, taskId);
  const today = localDateOf(now, deps.rules.timezone);
  const decision = decideOutcome(
    task,
    user.userId,
    now,
    input.outcome === 'promise_to_pay'
      ? {
          input: { date: input.date, amount: input.amount },
          today,
          installments,
          maxDaysAhead: deps.rules.collection.promiseMaxDaysAhead,
        }
      : undefined,
  );
  if (decision.kind === 'done') throw new TaskDone();
  if (decision.kind === 'not_holder') throw new TaskNotHeld();
  if (decision.kind === 'promise') {
    const { kind, ...detail } = decision.refusal;
    const path = kind === 'promise_amount_too_small' ? 'amount' : 'date';
    throw new PromiseRefused(kind, path, promiseMessages[kind](detail));
  }
  const who = { loanId: task.loanId, partnerId: task.partnerId, borrowerId: task.borrowerId };
  const promise: PromiseToPay | undefined =
    input.outcome === 'promise_to_pay'
      ? {
          loanId: task.loanId,
          partnerId: task.partnerId,
          episode: task.episode,
          taskId: task.taskId,
          date: input.date,
          amount: input.amount,
          madeAt: at,
          madeBy: user.userId,
          status: 'open',
        }
      : undefined;
  const events: DomainEvent[] = [
    {
      type: 'AgentTaskCompleted',
      at,
      detail: { ...who, taskId: task.taskId, episode: task.episode, rung: task.rung, outcome: input.outcome },
    },
  ];
  if (promise)
    events.push({
      type: 'PromiseToPayRecorded',
      at,
      detail: {
        ...who,
        taskId: task.taskId,
        episode: task.episode,
        date: promise.date,
        amount: promise.amount,
        source: 'desk',
      },
    });
  // The audit keeps the inputs that are not free text; the note is stored on the task (checked above).
  const inputs: AuditRecord['inputs'] = { taskId: task.taskId, outcome: input.outcome };
  if (promise) Object.assign(inputs, { date: promise.date, amount: promise.amount });
  if (input.note !== undefined) inputs.noted = true;
  await deps.desk.recordOutcome({
    task,
    outcome: input.outcome,
    ...(input.note === undefined ? {} : { note: input.note }),
    completedAt: at,
    completedBy: user.userId,
    ...(promise ? { promise } : {}),
    audit: {
      auditId: deps.ids.next('aud'),
      loanId: task.loanId,
      partnerId: loan.partnerId,
      userId: user.userId,
      at,
      action: 'task.outcome',
      inputs,
    },
    events,
  });
  const done = {
    ...task,
    status: 'done' as const,
    outcome: input.outcome,
    completedAt: at,
    completedBy: user.userId,
  };
  return {
    ...taskView(input.note === undefined ? done : { ...done, note: input.note }, now),
    ...(promise ? { promise } : {}),
  };
}
