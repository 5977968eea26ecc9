import { oldestUnpaidDueDate, openEpisode } from '#shared/collection/ladder.ts';
import type { Rules } from '#shared/config/rules.ts';
import { DeferralTooLong, LifetimeDeferralExceeded, LoanNotActive } from '#shared/errors/domain-errors.ts';
import { isPaid } from '#shared/lending/allocation.ts';
import { addDays, addMonthsClamped, instantAt, localDateOf, minuteOfDay } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { InstallmentRecord, LoanRecord, LoanWithInstallments } from '#shared/ports/records.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { HardshipRequest } from '#shared/schemas/servicing.ts';

/** What a hardship request comes to: the plan kept on the loan, and for a grant its re-dated schedule. */
export interface HardshipDecision {
  plan: HardshipPlan;
  loan: LoanRecord;
  expectedVersion: number;
  /** Every installment with its new due date (granted plans), else none. */
  installments: InstallmentRecord[];
  events: DomainEvent[];
}

/** Checks that need no loan: a request over the per-plan limit is refused before anything is read. */
export function checkHardshipRequest(request: HardshipRequest, rules: Rules): void {
  const max = rules.hardship.maxDeferralDaysPerPlan;
  if (request.deferralDays > max) throw new DeferralTooLong(max);
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
 * A hardship request's decision: auto-grant within the limits, otherwise refer to ops. A grant moves every unpaid
 * installment's due date by `deferralDays`; penalty owed up to today stays owed, and what would come
 * next pauses for the plan's length.
 */
export function decideHardship(
  current: LoanWithInstallments,
  request: HardshipRequest,
  planId: string,
  now: Date,
  rules: Rules,
): HardshipDecision {
  checkHardshipRequest(request, rules);
  const { loan } = current;
  if (loan.status !== 'active') throw new LoanNotActive(loan.status);
  const plans = loan.hardshipPlans ?? [];
  checkLifetimeDays(plans, request.deferralDays, rules);
  const today = localDateOf(now, rules.timezone);
  const accrued = accrueLoanPenalty(loan, current.installments, today, rules);
  const refer = referralReasons(request, daysPastDue(accrued, today, rules), plans, today, rules);
  const requested = {
    planId,
    reason: request.reason,
    deferralDays: request.deferralDays,
    requestedAt: now.toISOString(),
    referralReasons: refer,
  };
  if (refer.length === 0) return grantDeferral({ loan, installments: accrued }, requested, now, rules);
  const plan: HardshipPlan = { ...requested, status: 'referred', startsOn: null, endsOn: null };
  return {
    plan,
    loan: { ...loan, hardshipPlans: [...plans, plan] },
    expectedVersion: loan.version,
    installments: [],
    events: [
      {
        type: 'HardshipReferred',
        at: plan.requestedAt,
        detail: {
          ...whose(loan),
          planId: plan.planId,
          reason: plan.reason,
          deferralDays: plan.deferralDays,
          referralReasons: plan.referralReasons,
        },
      },
    ],
  };
}

/** A plan may not carry the loan's granted deferrals past the lifetime limit (90 days). */
export function checkLifetimeDays(plans: HardshipPlan[], deferralDays: number, rules: Rules): void {
  const max = rules.hardship.maxDeferralDaysLifetime;
  const granted = plans.filter((p) => p.status === 'granted').reduce((sum, p) => sum + p.deferralDays, 0);
  if (granted + deferralDays > max) throw new LifetimeDeferralExceeded(granted, max);
}

const whose = (loan: LoanRecord) => ({
  loanId: loan.loanId,
  partnerId: loan.partnerId,
  borrowerId: loan.borrowerId,
});

/**
 * A deferral granted from today (automatically, or by the desk for a referred plan): every unpaid
 * installment's due date moves by the plan's days, an open episode pauses, and `HardshipGranted` is
 * emitted. `current` carries penalty accrued through today. A plan already on the loan under the same id
 * (a referred one the desk grants) is replaced; any other is added.
 */
export function grantDeferral(
  current: LoanWithInstallments,
  requested: Pick<HardshipPlan, 'planId' | 'reason' | 'deferralDays' | 'requestedAt' | 'referralReasons'> &
    Partial<Pick<HardshipPlan, 'decidedAt' | 'decidedBy'>>,
  now: Date,
  rules: Rules,
): HardshipDecision {
  const { loan } = current;
  const today = localDateOf(now, rules.timezone);
  const plan: HardshipPlan = {
    ...requested,
    status: 'granted',
    startsOn: today,
    endsOn: addDays(today, requested.deferralDays - 1),
  };
  const installments = current.installments.map((inst) =>
    isPaid(inst) ? inst : { ...inst, dueDate: addDays(inst.dueDate, plan.deferralDays) },
  );
  const existing = loan.hardshipPlans ?? [];
  const plans = existing.some((p) => p.planId === plan.planId)
    ? existing.map((p) => (p.planId === plan.planId ? plan : p))
    : [...existing, plan];
  return {
    plan,
    loan: {
      ...loan,
      hardshipPlans: plans,
      oldestUnpaidDueDate: oldestUnpaidDueDate(installments),
      escalation: pausedEpisode(loan, plan, rules),
    },
    expectedVersion: loan.version,
    installments,
    events: [
      {
        type: 'HardshipGranted',
        at: now.toISOString(),
        detail: {
          ...whose(loan),
          planId: plan.planId,
          reason: plan.reason,
          deferralDays: plan.deferralDays,
          startsOn: plan.startsOn,
          endsOn: plan.endsOn,
        },
      },
    ],
  };
}

/** A grant pauses an open episode at once: the loan shows until when, before the workflow next wakes. */
function pausedEpisode(loan: LoanRecord, plan: HardshipPlan, rules: Rules): LoanRecord['escalation'] {
  const episode = openEpisode(loan);
  if (!episode || !plan.endsOn) return loan.escalation;
  const resume = instantAt(addDays(plan.endsOn, 1), minuteOfDay(rules.contact.sweepAt), rules.timezone);
  return { ...episode, pausedUntil: resume.toISOString() };
}
