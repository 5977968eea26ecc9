import { oldestUnpaidDueDate, openEpisode } from '#shared/collection/ladder.ts';
import {
  AlreadyRestructured,
  LoanNotActive,
  LoanNotFound,
  RestructureRefused,
} from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import {
  decideRestructure,
  type RestructureRefusal,
  type Restructuring,
} from '#shared/lending/restructure.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import { auditOf, checkReason, type SupervisionDeps, withLoanRetries } from './supervision-deps.ts';

export interface RestructureInput {
  termMonths: number;
  aprBps?: number;
  reason?: string;
}

function refusalError(refusal: RestructureRefusal): Error {
  switch (refusal.kind) {
    case 'already_restructured':
      return new AlreadyRestructured(refusal.on);
    case 'term_too_long':
      return new RestructureRefused(
        'restructure_term_too_long',
        'termMonths',
        refusal.maxTermMonths > 0
          ? `at most ${refusal.maxTermMonths} months (12 more than the contract, 36 in all)`
          : 'the loan has no room left for a new schedule (12 more months than the contract, 36 in all)',
      );
    case 'apr_too_high':
      return new RestructureRefused(
        'restructure_apr_too_high',
        'aprBps',
        `at most ${refusal.maxAprBps} bps (the contract APR, never above the cap)`,
      );
    case 'nothing_owed':
      return new RestructureRefused('nothing_owed', 'loanId', 'the loan owes nothing to re-schedule');
  }
}

/**
 * A supervisor restructures a loan (once): the decision in `shared/lending/restructure.ts`; the old unpaid
 * installments closed and the new schedule added, the loan's APR and term as re-agreed, the open escalation
 * episode ended (`restructured`), the exposure, `LoanRestructured` and the audit record in one transaction.
 */
export async function restructureLoan(
  deps: SupervisionDeps,
  user: OpsUser,
  loanId: string,
  input: RestructureInput,
): Promise<{ loanId: string; partnerId: string; restructuring: Restructuring }> {
  checkReason(input.reason);
  return withLoanRetries(deps, async () => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const today = localDateOf(now, deps.rules.timezone);
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current) throw new LoanNotFound();
    const { loan } = current;
    if (loan.restructuring) throw new AlreadyRestructured(loan.restructuring.on);
    if (loan.status !== 'active') throw new LoanNotActive(loan.status);
    const accrued = accrueLoanPenalty(loan, current.installments, today, deps.rules);
    const request = {
      termMonths: input.termMonths,
      ...(input.aprBps === undefined ? {} : { aprBps: input.aprBps }),
    };
    const decision = decideRestructure(loan, accrued, request, today, at, deps.rules);
    if (decision.kind === 'refused') throw refusalError(decision.refusal);
    const { restructuring } = decision;
    const added: InstallmentRecord[] = decision.added.map((inst) => ({
      ...inst,
      loanId: loan.loanId,
      partnerId: loan.partnerId,
      borrowerId: loan.borrowerId,
      identityHash: loan.identityHash,
    }));
    const changed = [...decision.closed, ...added];
    const byNo = new Map(changed.map((i) => [i.installmentNo, i]));
    const schedule = [...accrued.filter((i) => !byNo.has(i.installmentNo)), ...changed].sort(
      (a, b) => a.installmentNo - b.installmentNo,
    );
    const episode = openEpisode(loan);
    const restructured: LoanRecord = {
      ...loan,
      aprBps: restructuring.aprBps,
      termMonths: decision.totalTermMonths,
      restructuring,
      oldestUnpaidDueDate: oldestUnpaidDueDate(schedule),
      ...(episode
        ? { escalation: { ...episode, pausedUntil: null, endedAt: at, endReason: 'restructured' as const } }
        : {}),
    };
    await deps.supervision.applyLoanAction({
      loan: restructured,
      expectedVersion: loan.version,
      installments: changed,
      exposure: exposureOf(restructured, schedule),
      events: [
        {
          type: 'LoanRestructured',
          at,
          detail: {
            loanId: loan.loanId,
            partnerId: loan.partnerId,
            borrowerId: loan.borrowerId,
            on: restructuring.on,
            termMonths: restructuring.termMonths,
            aprBps: restructuring.aprBps,
            previousAprBps: restructuring.previousAprBps,
            principal: restructuring.principal,
            carriedInterest: restructuring.carriedInterest,
            carriedFee: restructuring.carriedFee,
            carriedPenalty: restructuring.carriedPenalty,
            firstDueDate: restructuring.firstDueDate,
            episodeEnded: episode ? episode.episode : null,
          },
        },
      ],
      audit: auditOf(
        deps,
        user,
        loan,
        at,
        'loan.restructure',
        {
          termMonths: restructuring.termMonths,
          aprBps: restructuring.aprBps,
          principal: restructuring.principal,
          carriedInterest: restructuring.carriedInterest,
          carriedPenalty: restructuring.carriedPenalty,
        },
        input.reason,
      ),
    });
    return { loanId, partnerId: loan.partnerId, restructuring };
  });
}
