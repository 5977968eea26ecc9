import { createHash } from 'node:crypto';
import { inParallel } from '#shared/concurrency/in-parallel.ts';
import { BulkResultExists, DomainError, TooManyLoans } from '#shared/errors/domain-errors.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { BulkLoanResult } from '#shared/ports/supervision.ts';
import { checkHardshipRequest, decideHardship } from '#shared/servicing/decide-hardship.ts';
import { auditOf, type SupervisionDeps, withLoanRetries } from './supervision-deps.ts';

export interface BulkDeferralInput {
  /** The loans named, or every active loan of the borrowers of one province (2-digit code). */
  target: { loanIds: string[] } | { province: string };
  reason: 'natural_disaster' | 'epidemic';
  deferralDays: number;
}

export interface BulkDeferralResult {
  actionId: string;
  results: BulkLoanResult[];
  counts: { granted: number; refused: number; notFound: number };
}

/**
 * The action's id: from the caller's Idempotency-Key when there is one, so a retry of the request (after a
 * crash half way) finds each loan's result and does only the rest; otherwise a fresh one.
 */
export function bulkActionId(
  userId: string,
  idempotencyKey: string | undefined,
  fresh: () => string,
): string {
  if (idempotencyKey === undefined) return fresh();
  return `bulk-${createHash('sha256').update(`${userId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** One loan's plan id in the action: the same on every retry, so the plan is granted once. */
const planIdOf = (actionId: string, loanId: string) =>
  `hs-${createHash('sha256').update(`${actionId}\n${loanId}`).digest('hex').slice(0, 24)}`;

/**
 * A disaster deferral for many loans in one action (domain rules, "Collection desk"): each loan is checked
 * against the usual hardship limits exactly as a partner's request would be (DPD, recent deferral, per-plan
 * and lifetime days) and granted, or refused with the rule's code; a loan that does not exist is not found.
 * Each loan's grant or refusal is written with its audit record and its result under the action's id in one
 * transaction, a few loans at a time; a result already written (a retry) is answered as it was.
 */
export async function bulkDeferral(
  deps: SupervisionDeps,
  user: OpsUser,
  input: BulkDeferralInput,
  actionId: string,
): Promise<BulkDeferralResult> {
  const request = { reason: input.reason, deferralDays: input.deferralDays };
  checkHardshipRequest(request, deps.rules);
  const max = deps.rules.supervision.bulkDeferralMaxLoans;
  const loanIds =
    'loanIds' in input.target
      ? [...new Set(input.target.loanIds)]
      : await deps.supervision.activeLoansInProvince(input.target.province);
  if (loanIds.length > max) throw new TooManyLoans(loanIds.length, max);
  const done = await deps.supervision.bulkResults(actionId);
  const results = new Map<string, BulkLoanResult>();
  const queue = loanIds.filter((id) => {
    const result = done.get(id);
    if (result) results.set(id, result);
    return !result;
  });
  await inParallel(queue, deps.rules.supervision.bulkDeferralConcurrency, async (loanId) => {
    results.set(loanId, await deferOne(deps, user, input, actionId, loanId));
  });
  const ordered = loanIds.map((id) => results.get(id) as BulkLoanResult);
  const count = (r: BulkLoanResult['result']) => ordered.filter((o) => o.result === r).length;
  return {
    actionId,
    results: ordered,
    counts: { granted: count('granted'), refused: count('refused'), notFound: count('not_found') },
  };
}

async function deferOne(
  deps: SupervisionDeps,
  user: OpsUser,
  input: BulkDeferralInput,
  actionId: string,
  loanId: string,
): Promise<BulkLoanResult> {
  try {
    return await withLoanRetries(deps, async () => {
      const current = await deps.repos.loans.getLoanWithInstallments(loanId);
      if (!current) return { loanId, result: 'not_found' as const };
      const now = deps.clock.now();
      const at = now.toISOString();
      const { loan } = current;
      const audit = (result: BulkLoanResult) =>
        auditOf(
          deps,
          user,
          loan,
          at,
          'hardship.bulk_deferral',
          {
            actionId,
            deferralDays: input.deferralDays,
            result: result.result,
            ...(result.reason ? { refusal: result.reason } : {}),
            ...(result.planId ? { planId: result.planId } : {}),
          },
          input.reason,
        );
      let refusal: string | undefined;
      let decision: ReturnType<typeof decideHardship> | undefined;
      try {
        decision = decideHardship(
          current,
          { reason: input.reason, deferralDays: input.deferralDays },
          planIdOf(actionId, loanId),
          now,
          deps.rules,
        );
        if (decision.plan.status !== 'granted') refusal = decision.plan.referralReasons.join(',');
      } catch (err) {
        // A rule that refuses the loan (not active, lifetime days used) is this loan's answer, not the action's.
        if (!(err instanceof DomainError)) throw err;
        refusal = err.code;
      }
      if (refusal !== undefined || !decision) {
        const result: BulkLoanResult = { loanId, result: 'refused', reason: refusal ?? 'refused' };
        await deps.supervision.recordBulkRefusal(audit(result), actionId, result);
        return result;
      }
      const { plan } = decision;
      const result: BulkLoanResult = {
        loanId,
        result: 'granted',
        planId: plan.planId,
        ...(plan.startsOn ? { startsOn: plan.startsOn } : {}),
        ...(plan.endsOn ? { endsOn: plan.endsOn } : {}),
      };
      await deps.supervision.applyLoanAction({
        loan: decision.loan,
        expectedVersion: decision.expectedVersion,
        installments: decision.installments,
        exposure: exposureOf(decision.loan, decision.installments),
        events: decision.events,
        audit: audit(result),
        bulk: { actionId, result },
      });
      return result;
    });
  } catch (err) {
    // A retry of the action (or a twin of it) wrote this loan's result first: answer that one.
    if (!(err instanceof BulkResultExists)) throw err;
    const written = (await deps.supervision.bulkResults(actionId)).get(loanId);
    if (!written) throw err;
    return written;
  }
}
