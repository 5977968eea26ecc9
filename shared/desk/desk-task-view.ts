import { isHeld } from '#shared/collection/desk-task.ts';
import { DeskTaskNotFound, LoanNotFound } from '#shared/errors/domain-errors.ts';
import type { CollectionTask, LoanWithInstallments } from '#shared/ports/records.ts';
import type { DeskDeps } from './desk-deps.ts';

/** A task as the desk shows it: whose loan (the partner), which rung, and where it stands now. */
export interface DeskTaskView {
  taskId: string;
  loanId: string;
  partnerId: string;
  borrowerId: string;
  episode: number;
  rung: string;
  installmentNo: number;
  /** `claimed` while an agent's lease holds; `open` again once it lapses. */
  status: 'open' | 'claimed' | 'done';
  createdAt: string;
  claimedBy?: string;
  leaseUntil?: string;
  outcome?: string;
  note?: string;
  completedAt?: string;
  completedBy?: string;
}

export function taskView(task: CollectionTask, now: Date): DeskTaskView {
  const held = task.status === 'open' && isHeld(task, now);
  return {
    taskId: task.taskId,
    loanId: task.loanId,
    partnerId: task.partnerId,
    borrowerId: task.borrowerId,
    episode: task.episode,
    rung: task.rung,
    installmentNo: task.installmentNo,
    status: task.status === 'done' ? 'done' : held ? 'claimed' : 'open',
    createdAt: task.createdAt,
    ...(held || task.status === 'done' ? { claimedBy: task.claimedBy } : {}),
    ...(held ? { leaseUntil: task.leaseUntil } : {}),
    ...(task.outcome ? { outcome: task.outcome } : {}),
    ...(task.note ? { note: task.note } : {}),
    ...(task.completedAt ? { completedAt: task.completedAt, completedBy: task.completedBy } : {}),
  };
}

/** The agent task and its loan; anything else (a legal task, an unknown id) is not the desk's: 404. */
export async function loadDeskTask(
  deps: DeskDeps,
  loanId: string,
  taskId: string,
): Promise<
  { task: CollectionTask } & {
    loan: LoanWithInstallments['loan'];
    installments: LoanWithInstallments['installments'];
  }
> {
  const task = await deps.desk.getTask(loanId, taskId);
  if (task?.type !== 'agent_call') throw new DeskTaskNotFound();
  const found = await deps.repos.loans.getLoanWithInstallments(loanId);
  if (!found) throw new LoanNotFound();
  return { task, ...found };
}
