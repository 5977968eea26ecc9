import {
  HardshipPlanDecided,
  HardshipPlanNotFound,
  LoanNotActive,
  LoanNotFound,
} from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import { checkHardshipRequest, checkLifetimeDays, grantDeferral } from '#shared/servicing/decide-hardship.ts';
import { auditOf, checkReason, type SupervisionDeps, withLoanRetries } from './supervision-deps.ts';

export type HardshipDecisionInput =
  | { decision: 'grant'; deferralDays: number; reason?: string }
  | { decision: 'refuse'; reason: string };

/**
 * A supervisor decides a plan the partner path referred. A grant is within the per-plan and lifetime
 * limits (the review is what the other auto-grant conditions wait for) and re-dates the schedule exactly
 * as an automatic grant does, with `HardshipGranted`; a refusal keeps the plan on the loan with its
 * reason. Either way with the audit record, in one transaction under the loan's version.
 */
export async function decideReferredHardship(
  deps: SupervisionDeps,
  user: OpsUser,
  loanId: string,
  planId: string,
  input: HardshipDecisionInput,
): Promise<{ loanId: string; partnerId: string; plan: HardshipPlan }> {
  checkReason(input.reason);
  return withLoanRetries(deps, async () => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current) throw new LoanNotFound();
    const { loan } = current;
    const plans = loan.hardshipPlans ?? [];
    const referred = plans.find((p) => p.planId === planId);
    if (!referred) throw new HardshipPlanNotFound();
    if (referred.status !== 'referred') throw new HardshipPlanDecided(referred.status);
    const decided = { decidedAt: at, decidedBy: user.userId };
    const audit = (inputs: Record<string, string | number>) =>
      auditOf(deps, user, loan, at, 'hardship.decision', { planId, ...inputs }, input.reason);
    if (input.decision === 'refuse') {
      const plan: HardshipPlan = { ...referred, ...decided, status: 'refused', refusalReason: input.reason };
      await deps.supervision.applyLoanAction({
        loan: { ...loan, hardshipPlans: plans.map((p) => (p.planId === planId ? plan : p)) },
        expectedVersion: loan.version,
        installments: [],
        events: [],
        audit: audit({ decision: 'refuse' }),
      });
      return { loanId, partnerId: loan.partnerId, plan };
    }
    checkHardshipRequest({ reason: referred.reason, deferralDays: input.deferralDays }, deps.rules);
    if (loan.status !== 'active') throw new LoanNotActive(loan.status);
    checkLifetimeDays(plans, input.deferralDays, deps.rules);
    const today = localDateOf(now, deps.rules.timezone);
    const accrued = accrueLoanPenalty(loan, current.installments, today, deps.rules);
    const grant = grantDeferral(
      { loan, installments: accrued },
      { ...referred, deferralDays: input.deferralDays, ...decided },
      now,
      deps.rules,
    );
    await deps.supervision.applyLoanAction({
      loan: grant.loan,
      expectedVersion: grant.expectedVersion,
      installments: grant.installments,
      exposure: exposureOf(grant.loan, grant.installments),
      events: grant.events,
      audit: audit({ decision: 'grant', deferralDays: input.deferralDays }),
    });
    return { loanId, partnerId: loan.partnerId, plan: grant.plan };
  });
}
