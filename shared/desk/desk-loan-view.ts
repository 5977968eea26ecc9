import type { Rules } from '#shared/config/rules.ts';
import { LoanNotFound } from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { LoanFiles } from '#shared/ports/loan-files.ts';
import { deskTaskId } from '#shared/schemas/ops.ts';
import { loanView } from '#shared/servicing/loan-view.ts';

export interface DeskLoanViewDeps {
  loanFiles: LoanFiles;
  clock: Clock;
  rules: Rules;
}

/**
 * The desk's view of one loan, of any partner: the partner's loan view (schedule and standing, episode and
 * rung, restructuring and its observation) with the partner named, every hardship plan, the open promise
 * and any dispute holding the ladder, every promise with its verdict, the payments, the tasks for people
 * and the contacts timeline (each message or call, oldest first, never an address).
 */
export async function deskLoanView(deps: DeskLoanViewDeps, loanId: string) {
  const file = await deps.loanFiles.fileOf(loanId);
  if (!file) throw new LoanNotFound();
  const { loan } = file;
  const today = localDateOf(deps.clock.now(), deps.rules.timezone);
  return {
    ...loanView(loan, file.installments, today, deps.rules),
    partnerId: loan.partnerId,
    hardshipPlans: loan.hardshipPlans ?? [],
    /** What holds the ladder besides hardship: the open promise and a dispute awaiting a supervisor. */
    openPromise: loan.promise ?? null,
    dispute: loan.dispute ?? null,
    brokenPromisesThisEpisode: loan.escalation?.endedAt ? 0 : (loan.escalation?.brokenPromises ?? 0),
    promises: file.promises,
    payments: file.payments.map((p) => ({
      paymentId: p.paymentId,
      amount: p.amount,
      paidAt: p.paidAt,
      allocations: p.allocations,
      credit: p.credit,
    })),
    tasks: file.tasks.map((t) => ({
      taskId: t.type === 'agent_call' ? deskTaskId(t.loanId, t.taskId) : t.taskId,
      type: t.type,
      queue: t.queue,
      episode: t.episode,
      rung: t.rung,
      status: t.status,
      createdAt: t.createdAt,
      ...(t.outcome ? { outcome: t.outcome } : {}),
      ...(t.completedAt ? { completedAt: t.completedAt } : {}),
    })),
    contacts: file.contacts
      .map((c) => ({
        at: c.sentAt ?? c.claimedAt,
        installmentNo: c.installmentNo,
        stage: c.stage,
        channel: c.channel,
        status: c.status,
        ...(c.failure ? { failure: c.failure } : {}),
      }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  };
}
