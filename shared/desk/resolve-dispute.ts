import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import {
  LoanBusy,
  LoanNotFound,
  LoanVersionConflict,
  NoOpenDispute,
  NoteCarriesPersonalData,
} from '#shared/errors/domain-errors.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { DeskDeps } from './desk-deps.ts';

export interface DisputeResolution {
  /** `upheld`: the borrower was right (what follows, e.g. a waiver, is its own action); `rejected`: not. */
  resolution: 'upheld' | 'rejected';
  reason: string;
}

/**
 * A supervisor resolves the loan's open dispute: the dispute is lifted (the ladder, which looks each day,
 * goes on from its next look) with one audit record naming the resolution and why, under the loan's version.
 */
export async function resolveDispute(
  deps: DeskDeps,
  user: OpsUser,
  loanId: string,
  input: DisputeResolution,
): Promise<{
  loanId: string;
  partnerId: string;
  resolution: string;
  resolvedAt: string;
  resolvedBy: string;
}> {
  const found = personalDataIn(input.reason);
  if (found) throw new NoteCarriesPersonalData('reason', found);
  for (let attempt = 1; ; attempt++) {
    const loan = await deps.repos.loans.getLoan(loanId);
    if (!loan) throw new LoanNotFound();
    if (!loan.dispute) throw new NoOpenDispute();
    const at = deps.clock.now().toISOString();
    try {
      await deps.desk.resolveDispute(loanId, loan.version, {
        auditId: deps.ids.next('aud'),
        loanId,
        partnerId: loan.partnerId,
        userId: user.userId,
        at,
        action: 'dispute.resolve',
        inputs: { resolution: input.resolution, disputeTaskId: loan.dispute.taskId },
        reason: input.reason,
      });
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
      if (attempt < deps.rules.servicing.maxWriteAttempts) continue;
      throw new LoanBusy({ cause: err });
    }
    return {
      loanId,
      partnerId: loan.partnerId,
      resolution: input.resolution,
      resolvedAt: at,
      resolvedBy: user.userId,
    };
  }
}
