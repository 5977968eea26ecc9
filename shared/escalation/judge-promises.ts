import { earlyWarningRaised } from '#shared/collection/early-warning.ts';
import { afterJudgment, isDueForJudgment, judgePromise } from '#shared/collection/promises.ts';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { PromiseDue } from '#shared/ports/promises.ts';
import { refreshCreditLimit } from '#shared/servicing/credit-limit.ts';
import type { EscalationDeps } from './escalation-deps.ts';

export interface Judgments {
  kept: number;
  broken: number;
}

/**
 * The promises whose date is over, judged the day after it (in the daily ageing job): kept or broken by
 * the payments made from the promise to the end of its date, with `PromiseToPayKept` or
 * `PromiseToPayBroken`. The loan's promise is closed (its pause ends; a broken one counts in the episode)
 * under the version check, once: a rerun of the day finds it closed and judges nothing again.
 */
export async function judgePromises(deps: EscalationDeps, businessDate: LocalDate): Promise<Judgments> {
  const judgments: Judgments = { kept: 0, broken: 0 };
  for (const due of await deps.promises.promisesDue(businessDate)) {
    const verdict = await judgeOne(deps, due, businessDate);
    if (verdict) judgments[verdict] += 1;
  }
  return judgments;
}

async function judgeOne(deps: EscalationDeps, due: PromiseDue, businessDate: LocalDate) {
  for (;;) {
    const loan = await deps.repos.loans.getLoan(due.loanId);
    const promise = loan?.promise;
    // Judged already (a rerun), or not yet due: nothing to do.
    if (!loan || promise?.promiseId !== due.promiseId || !isDueForJudgment(promise, businessDate))
      return undefined;
    const verdict = judgePromise(promise, await deps.promises.paymentsOf(loan.loanId), deps.rules);
    const judged = afterJudgment(loan, verdict.verdict);
    const at = deps.clock.now().toISOString();
    // A promise exists only for something past due, so a broken one is raised whatever the loan's DPD:
    // gating it on grace would silence it. The promise is the occurrence.
    const warning =
      verdict.verdict === 'broken'
        ? {
            code: 'PROMISE_BROKEN' as const,
            loanId: loan.loanId,
            occurrence: promise.promiseId,
            raisedOn: businessDate,
          }
        : undefined;
    try {
      await deps.promises.recordJudgment({
        loanId: loan.loanId,
        identityHash: loan.identityHash,
        partnerId: loan.partnerId,
        borrowerId: loan.borrowerId,
        ...(warning ? { warning } : {}),
        promise,
        verdict,
        judgedOn: businessDate,
        expectedVersion: loan.version,
        ...(judged.escalation ? { escalation: judged.escalation } : {}),
        events: [
          {
            type: verdict.verdict === 'kept' ? 'PromiseToPayKept' : 'PromiseToPayBroken',
            at,
            detail: {
              loanId: loan.loanId,
              partnerId: loan.partnerId,
              borrowerId: loan.borrowerId,
              promiseId: promise.promiseId,
              source: promise.source,
              date: promise.date,
              amount: promise.amount,
              paid: verdict.paid,
              brokenInEpisode: judged.escalation?.brokenPromises ?? 0,
            },
          },
          ...(warning ? [earlyWarningRaised(warning, loan, at)] : []),
        ],
      });
      if (verdict.verdict === 'broken') await refreshCreditLimit(deps, loan);
      return verdict.verdict;
    } catch (err) {
      if (err instanceof LoanVersionConflict) continue; // another writer: read again and judge again
      throw err;
    }
  }
}
