import { callCapAllows, decideClaim } from '#shared/collection/desk-task.ts';
import { CallCapReached, TaskDone, TaskHeldByAnother } from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { DeskDeps } from './desk-deps.ts';
import { type DeskTaskView, loadDeskTask, taskView } from './desk-task-view.ts';

/**
 * An agent takes a task: load it and the borrower's calls today, decide (lease, then the call cap), save
 * the claim with its audit record in one transaction that holds only if nobody claimed it meanwhile and
 * the day still has room. A second agent racing for it loses the transaction and gets 409.
 */
export async function claimTask(
  deps: DeskDeps,
  user: OpsUser,
  loanId: string,
  taskId: string,
): Promise<DeskTaskView> {
  const now = deps.clock.now();
  const { task, loan } = await loadDeskTask(deps, loanId, taskId);
  const decision = decideClaim(task, user.userId, now, deps.rules.collection.deskClaimLeaseMinutes);
  if (decision.kind === 'done') throw new TaskDone();
  if (decision.kind === 'held') throw new TaskHeldByAnother(decision.leaseUntil);
  const borrower = await deps.repos.borrowers.get(loan.partnerId, loan.borrowerId);
  // The person's day in their own zone, as the ladder counts the calls it opens.
  const localDate = localDateOf(now, borrower?.preferences.timezone ?? deps.rules.timezone);
  const cap = deps.rules.contact.maxAgentTasksPerBorrowerPerDay;
  const calls = await deps.desk.callsOn(loan.identityHash, localDate);
  if (!callCapAllows(calls, task.taskId, cap)) throw new CallCapReached(cap);
  await deps.desk.claim({
    task,
    agentId: user.userId,
    leaseUntil: decision.leaseUntil,
    callDay: { identityHash: loan.identityHash, localDate, cap },
    audit: {
      auditId: deps.ids.next('aud'),
      loanId: task.loanId,
      partnerId: task.partnerId,
      userId: user.userId,
      at: now.toISOString(),
      action: 'task.claim',
      inputs: { taskId: task.taskId },
    },
  });
  return taskView({ ...task, claimedBy: user.userId, leaseUntil: decision.leaseUntil }, now);
}
