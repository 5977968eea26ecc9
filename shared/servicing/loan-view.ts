import type { Rules } from '#shared/config/rules.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import { daysBetween } from '#shared/lending/calendar.ts';
import {
  bucketOf,
  classify,
  type DelinquencyStatus,
  daysPastDue,
  delinquencyStatus,
} from '#shared/lending/delinquency.ts';
import { activePlan } from '#shared/lending/hardship-plan.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import { observationPeriod } from '#shared/lending/restructure.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';

const components = (i: { principal: number; interest: number; fee: number; penalty: number }) => ({
  ...i,
  total: i.principal + i.interest + i.fee + i.penalty,
});

/** The loan's standing: a transition the ageing job or the ladder made holds, whatever the DPD says today. */
function standing(loan: LoanRecord, dpd: number, rules: Rules): DelinquencyStatus {
  if (loan.status === 'charged_off') return 'charged_off';
  const byDpd = delinquencyStatus(dpd, rules);
  return loan.nonPerformingSince && byDpd !== 'charged_off' && loan.status === 'active' && dpd > 0
    ? 'non_performing'
    : byDpd;
}

/** GET /v1/loans/{loanId}: schedule with amounts by component, DPD, bucket and classification as of `today`. */
export function loanView(loan: LoanRecord, stored: InstallmentRecord[], today: LocalDate, rules: Rules) {
  const installments = accrueLoanPenalty(loan, stored, today, rules);
  const dpd = daysPastDue(installments, today, rules);
  const totals = { principal: 0, interest: 0, fee: 0, penalty: 0 };
  const rows = installments.map((inst) => {
    const owed = outstanding(inst);
    totals.principal += owed.principal;
    totals.interest += owed.interest;
    totals.fee += owed.fee;
    totals.penalty += owed.penalty;
    const paidAny = inst.principalPaid + inst.interestPaid + inst.feePaid + inst.penaltyPaid > 0;
    const status =
      owed.total === 0
        ? 'paid'
        : inst.dueDate < today
          ? 'overdue'
          : paidAny
            ? 'partially_paid'
            : inst.dueDate === today
              ? 'due'
              : 'upcoming';
    return {
      installmentNo: inst.installmentNo,
      dueDate: inst.dueDate,
      status,
      due: components({
        principal: inst.principalDue,
        interest: inst.interestDue,
        fee: inst.feeDue,
        penalty: inst.penaltyAccrued,
      }),
      paid: components({
        principal: inst.principalPaid,
        interest: inst.interestPaid,
        fee: inst.feePaid,
        penalty: inst.penaltyPaid,
      }),
      outstanding: components(owed),
      daysPastDue: owed.total > 0 && inst.dueDate < today ? daysBetween(inst.dueDate, today) : 0,
      paidOn: inst.paidOn ?? null,
    } as const;
  });
  const plans = loan.hardshipPlans ?? [];
  return {
    loanId: loan.loanId,
    borrowerId: loan.borrowerId,
    applicationId: loan.applicationId ?? null,
    status: loan.status,
    principal: loan.principal,
    aprBps: loan.aprBps,
    termMonths: loan.termMonths,
    repaymentMethod: loan.repaymentMethod,
    disbursedOn: loan.disbursedOn,
    asOf: today,
    daysPastDue: dpd,
    bucket: bucketOf(dpd, rules),
    delinquency: standing(loan, dpd, rules),
    classification: classify(installments, today),
    escalation: loan.escalation
      ? {
          episode: loan.escalation.episode,
          rung: loan.escalation.rung,
          since: loan.escalation.since,
          pausedUntil: loan.escalation.pausedUntil,
          endedAt: loan.escalation.endedAt ?? null,
          endReason: loan.escalation.endReason ?? null,
        }
      : null,
    hardshipPlan: activePlan(plans, today) ?? plans.at(-1) ?? null,
    restructured: loan.restructuring
      ? {
          on: loan.restructuring.on,
          termMonths: loan.restructuring.termMonths,
          aprBps: loan.restructuring.aprBps,
          previousAprBps: loan.restructuring.previousAprBps,
          firstDueDate: loan.restructuring.firstDueDate,
          carriedPenalty: loan.restructuring.carriedPenalty,
          observation: observationPeriod(loan.restructuring, installments, today, rules),
        }
      : null,
    outstanding: components(totals),
    creditBalance: loan.creditBalance,
    installments: rows,
  };
}
