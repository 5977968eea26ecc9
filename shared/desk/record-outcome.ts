import { type AgentOutcome, decideOutcome } from '#shared/collection/desk-task.ts';
import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import { type NewPromiseRefusal, openPromiseOf, promiseRefusalIssue } from '#shared/collection/promises.ts';
import {
  LoanBusy,
  LoanVersionConflict,
  NoteCarriesPersonalData,
  PromiseRefused,
  TaskDone,
  TaskNotHeld,
} from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { Fen, LocalDate } from '#shared/lending/types.ts';
import type { AuditRecord, LoanHold, OpsUser, PromiseToPay } from '#shared/ports/desk.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { DeskDeps } from './desk-deps.ts';
import { type DeskTaskView, loadDeskTask, taskView } from './desk-task-view.ts';

export type OutcomeInput =
  | { outcome: Exclude<AgentOutcome, 'promise_to_pay'>; note?: string }
  | { outcome: 'promise_to_pay'; date: LocalDate; amount: Fen; note?: string };

/**
 * The holding agent records what the call came to: the task closes, `AgentTaskCompleted` is emitted, and
 * the outcome's effect is written with the audit record in one transaction: a promise to pay is stored
 * with `PromiseToPayRecorded` and held on the loan (the ladder waits on it until the ageing job judges
 * it), a dispute is held on the loan until a supervisor resolves it, and a wrong number marks the
 * borrower's number (no SMS to it). A loan changed meanwhile is read again and decided again.
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordOnce(deps, user, loanId, taskId, input);
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
      if (attempt >= deps.rules.servicing.maxWriteAttempts) throw new LoanBusy({ cause: err });
    }
  }
}

async function recordOnce(
  deps: DeskDeps,
  user: OpsUser,
  loanId: string,
  taskId: string,
  input: OutcomeInput,
): Promise<DeskTaskView & { promise?: PromiseToPay }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { task, loan, ...stored } = await loadDeskTask(deps, loanId, taskId);
  const today = localDateOf(now, deps.rules.timezone);
  // What is owed as the loan view shows it today: penalty accrued to date.
  const installments = accrueLoanPenalty(loan, stored.installments, today, deps.rules);
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
  if (decision.kind === 'promise') throw refused(decision.refusal);
  // One promise open at a time: the next is made once the open one is judged.
  if (input.outcome === 'promise_to_pay' && loan.promise)
    throw refused({ kind: 'promise_open', date: loan.promise.date });
  const who = { loanId: task.loanId, partnerId: task.partnerId, borrowerId: task.borrowerId };
  const promise: PromiseToPay | undefined =
    input.outcome === 'promise_to_pay'
      ? {
          promiseId: task.taskId,
          loanId: task.loanId,
          partnerId: task.partnerId,
          episode: task.episode,
          taskId: task.taskId,
          source: 'desk',
          date: input.date,
          amount: input.amount,
          madeAt: at,
          madeBy: user.userId,
          status: 'open',
        }
      : undefined;
  const hold: LoanHold | undefined = promise
    ? {
        loanId: loan.loanId,
        expectedVersion: loan.version,
        promise: openPromiseOf(promise),
      }
    : input.outcome === 'dispute'
      ? { loanId: loan.loanId, expectedVersion: loan.version, dispute: { since: at, taskId: task.taskId } }
      : undefined;
  const wrongNumber =
    input.outcome === 'wrong_number'
      ? await wrongNumberMark(deps, task.partnerId, task.borrowerId, at)
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
        promiseId: promise.promiseId,
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
    ...(hold ? { hold } : {}),
    ...(wrongNumber ? { wrongNumber } : {}),
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

/** The borrower's wrong-number mark for the number on record now (none without a number on record). */
async function wrongNumberMark(deps: DeskDeps, partnerId: string, borrowerId: string, since: string) {
  const borrower = await deps.repos.borrowers.get(partnerId, borrowerId);
  if (!borrower?.phoneHash) return undefined;
  return { partnerId, borrowerId, since, phoneHash: borrower.phoneHash };
}

function refused(refusal: NewPromiseRefusal): PromiseRefused {
  const issue = promiseRefusalIssue(refusal);
  return new PromiseRefused(issue.code, issue.path, issue.message);
}
