import type { Rules } from '#shared/config/rules.ts';
import { notFound, unprocessable } from '#shared/http/errors.ts';
import { isPaid } from '#shared/lending/allocation.ts';
import { addDays, addMonthsClamped, localDateOf } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { HardshipRequest } from '#shared/schemas/servicing.ts';
import { LoanVersionConflictError } from '#shared/storage/loan-repository.ts';
import type { Repositories } from '#shared/storage/repositories.ts';

export interface HardshipDeps {
  repos: Pick<Repositories, 'loans' | 'borrowers'>;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/** Why a request cannot be granted automatically (empty: it can). */
export function referralReasons(
  request: HardshipRequest,
  dpd: number,
  plans: HardshipPlan[],
  today: string,
  rules: Rules,
): string[] {
  const h = rules.hardship;
  const reasons: string[] = [];
  if (!h.autoGrantReasons.includes(request.reason)) reasons.push('REASON_NEEDS_REVIEW');
  if (dpd > h.maxAutoGrantDpd) reasons.push('DPD_ABOVE_LIMIT');
  const windowStart = addMonthsClamped(today, -h.minMonthsBetweenDeferrals);
  if (plans.some((p) => p.status === 'granted' && (p.startsOn ?? '') > windowStart))
    reasons.push('RECENT_DEFERRAL');
  return reasons;
}

/**
 * Flow 6: auto-grant within the limits, otherwise refer to ops. A granted deferral moves every unpaid
 * installment's due date (and its place in the due index) by `deferralDays`; penalty, reminders and
 * escalation pause for the plan's length. Every decision is kept on the loan and published.
 */
export async function requestHardship(
  deps: HardshipDeps,
  partnerId: string,
  loanId: string,
  request: HardshipRequest,
): Promise<HardshipPlan> {
  const { rules } = deps;
  const h = rules.hardship;
  if (request.deferralDays > h.maxDeferralDaysPerPlan) {
    throw unprocessable('deferral_too_long', `a plan defers at most ${h.maxDeferralDaysPerPlan} days`);
  }
  for (;;) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current || current.loan.partnerId !== partnerId) throw notFound('loan');
    const { loan } = current;
    if (loan.status !== 'active') throw unprocessable('loan_not_active', `the loan is ${loan.status}`);
    const plans = loan.hardshipPlans ?? [];
    const granted = plans.filter((p) => p.status === 'granted').reduce((sum, p) => sum + p.deferralDays, 0);
    if (granted + request.deferralDays > h.maxDeferralDaysLifetime) {
      throw unprocessable(
        'lifetime_deferral_exceeded',
        `${granted} of ${h.maxDeferralDaysLifetime} lifetime deferral days are used on this loan`,
      );
    }
    const now = deps.clock.now();
    const today = localDateOf(now, rules.timezone);
    // Penalty owed up to today stays owed; the deferral pauses what would come next.
    const accrued = accrueLoanPenalty(loan, current.installments, today, rules);
    const dpd = daysPastDue(accrued, today, rules);
    const refer = referralReasons(request, dpd, plans, today, rules);
    const plan: HardshipPlan = {
      planId: deps.ids.next('hs'),
      status: refer.length === 0 ? 'granted' : 'referred',
      reason: request.reason,
      deferralDays: request.deferralDays,
      requestedAt: now.toISOString(),
      startsOn: refer.length === 0 ? today : null,
      endsOn: refer.length === 0 ? addDays(today, request.deferralDays - 1) : null,
      referralReasons: refer,
    };
    const installments =
      plan.status === 'granted'
        ? accrued.map((inst) =>
            isPaid(inst)
              ? inst
              : {
                  ...inst,
                  dueDate: addDays(inst.dueDate, request.deferralDays),
                  penaltyAccruedThrough: inst.penaltyAccruedThrough,
                },
          )
        : [];
    try {
      await deps.repos.loans.saveInstallments(
        { ...loan, hardshipPlans: [...plans, plan] },
        loan.version,
        installments,
      );
    } catch (err) {
      if (err instanceof LoanVersionConflictError) continue;
      throw err;
    }
    if (plan.status === 'granted') {
      await deps.repos.borrowers.setHardship(loan.identityHash, loanId, true);
      if (daysPastDue(installments, today, rules) === 0)
        await deps.repos.borrowers.setOverdue(loan.identityHash, loanId, false);
      await deps.events.publish([
        {
          type: 'HardshipGranted',
          at: plan.requestedAt,
          detail: {
            loanId,
            partnerId,
            borrowerId: loan.borrowerId,
            planId: plan.planId,
            reason: plan.reason,
            deferralDays: plan.deferralDays,
            startsOn: plan.startsOn,
            endsOn: plan.endsOn,
          },
        },
      ]);
    }
    return plan;
  }
}
