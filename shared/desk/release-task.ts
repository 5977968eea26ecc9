import { decideRelease } from '#shared/collection/desk-task.ts';
import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import { NoteCarriesPersonalData, TaskDone, TaskNotHeld } from '#shared/errors/domain-errors.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { DeskDeps } from './desk-deps.ts';
import { type DeskTaskView, loadDeskTask, taskView } from './desk-task-view.ts';

/** The holding agent gives a task back without an outcome (with an optional reason, audited). */
export async function releaseTask(
  deps: DeskDeps,
  user: OpsUser,
  loanId: string,
  taskId: string,
  reason: string | undefined,
): Promise<DeskTaskView> {
  const found = reason === undefined ? undefined : personalDataIn(reason);
  if (found) throw new NoteCarriesPersonalData('reason', found);
  const now = deps.clock.now();
  const { task } = await loadDeskTask(deps, loanId, taskId);
  const decision = decideRelease(task, user.userId, now);
  if (decision.kind === 'done') throw new TaskDone();
  if (decision.kind === 'not_holder') throw new TaskNotHeld();
  await deps.desk.release(task, user.userId, {
    auditId: deps.ids.next('aud'),
    loanId: task.loanId,
    partnerId: task.partnerId,
    userId: user.userId,
    at: now.toISOString(),
    action: 'task.release',
    inputs: { taskId: task.taskId },
    ...(reason ? { reason } : {}),
  });
  const { claimedBy: _, leaseUntil: __, ...released } = task;
  return taskView(released, now);
}
