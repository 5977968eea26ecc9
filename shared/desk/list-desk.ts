import { LoanNotFound } from '#shared/errors/domain-errors.ts';
import type { AuditRecord, TaskFilter } from '#shared/ports/desk.ts';
import type { DeskDeps } from './desk-deps.ts';
import { type DeskTaskView, taskView } from './desk-task-view.ts';

/** Agent tasks by status (rung, partner, due before), a page at a time. */
export async function listDeskTasks(
  deps: DeskDeps,
  filter: TaskFilter,
): Promise<{ tasks: DeskTaskView[]; cursor?: string }> {
  const now = deps.clock.now();
  const page = await deps.desk.listTasks(filter, now);
  return { tasks: page.tasks.map((t) => taskView(t, now)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** A loan's desk actions, oldest first; the loan's partner said once. */
export async function loanAudit(
  deps: DeskDeps,
  loanId: string,
): Promise<{ loanId: string; partnerId: string; records: AuditRecord[] }> {
  const loan = await deps.repos.loans.getLoan(loanId);
  if (!loan) throw new LoanNotFound();
  return { loanId, partnerId: loan.partnerId, records: await deps.desk.listAudit(loanId) };
}
