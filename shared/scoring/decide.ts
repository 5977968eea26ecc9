import type { Rules } from '#shared/config/rules.ts';
import { allInAprAtMost, aprCapBps } from '#shared/lending/apr.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { LocalDate, RepaymentMethod, ScheduledInstallment } from '#shared/lending/types.ts';
import { type BehaviourStanding, checkGates, dtiBps } from './gates.ts';
import type { ReasonCode } from './reasons.ts';
import { adverseReasons, type EmploymentStatus, type Grade, gradeOf, scorecard } from './scorecard.ts';

/** Everything a credit decision depends on; no names, phones or ID numbers. */
export interface CreditInput {
  ageYears: number;
  employmentStatus: EmploymentStatus;
  monthsInCurrentJob: number;
  monthlyIncome: number;
  monthlyDebtPayments: number;
  activeLoansOtherLenders: number;
  inquiriesLast90Days: number;
  worstDpdLast12Months: number;
  creditHistoryMonths: number;
  request: { amount: number; termMonths: number; repaymentMethod: RepaymentMethod };
  overdueExisting: boolean;
  hardshipActive: boolean;
  /** The person's behaviour standing across partners; absent for a first-time borrower. */
  behaviour?: BehaviourStanding;
  /** Contract date (lender time zone): schedules start here and the rate cap is the one in force. */
  today: LocalDate;
}

export interface CreditOffer {
  amount: number;
  termMonths: number;
  aprBps: number;
  repaymentMethod: RepaymentMethod;
  installmentAmount: number;
  totalRepayable: number;
}

export interface CreditDecision {
  decision: 'approve' | 'refer' | 'decline';
  score: number;
  grade: Grade;
  /** Most important first, at most `maxReasons`. */
  reasonCodes: ReasonCode[];
  offer: CreditOffer | null;
}

function schedule(amount: number, aprBps: number, input: CreditInput, rules: Rules): ScheduledInstallment[] {
  const { termMonths, repaymentMethod } = input.request;
  return buildSchedule(
    { principal: amount, aprBps, termMonths, repaymentMethod, disbursedOn: input.today },
    rules,
  );
}

const largestInstallment = (s: ScheduledInstallment[]) => Math.max(...s.map((i) => i.amountDue));

/** The highest APR any approving grade is priced at, bounded by the cap: DTI is judged at the dearest offer. */
function dearestApprovingApr(rules: Rules, capBps: number): number {
  return Math.min(capBps, Math.max(...Object.values(rules.scoring.gradeAprBps)));
}

/** Gates, scorecard, grade, then a priced offer under the cap. Pure: the same input gives the same decision. */
export function decideCredit(input: CreditInput, rules: Rules): CreditDecision {
  const s = rules.scoring;
  const capBps = aprCapBps(input.today, rules);
  const offerCeiling = Math.min(
    input.request.amount,
    s.maxOfferFen,
    input.monthlyIncome * s.maxOfferIncomeMultiple,
  );
  const sizedAmount = Math.max(offerCeiling, 1);
  const newInstallment = largestInstallment(
    schedule(sizedAmount, dearestApprovingApr(rules, capBps), input, rules),
  );
  const features = {
    ...input,
    dtiBps: dtiBps(input.monthlyDebtPayments, newInstallment, input.monthlyIncome),
    offerAmount: offerCeiling,
  };

  const card = scorecard(features, rules);
  const grade = gradeOf(card.score, rules);
  const gates = checkGates(features, rules);
  const adverse = adverseReasons(card);
  const top = (codes: ReasonCode[]) => [...new Set(codes)].slice(0, s.maxReasons);
  const decline = (codes: ReasonCode[]): CreditDecision => ({
    decision: 'decline',
    score: card.score,
    grade,
    reasonCodes: top([...codes, ...adverse]),
    offer: null,
  });

  if (gates.declines.length > 0) return decline(gates.declines);
  const byGrade = s.gradeDecision[grade];
  if (byGrade === 'decline') return decline([]);
  if (byGrade === 'refer' || gates.refers.length > 0) {
    return {
      decision: 'refer',
      score: card.score,
      grade,
      reasonCodes: top([...gates.refers, ...adverse]),
      offer: null,
    };
  }

  const aprBps = s.gradeAprBps[grade as keyof typeof s.gradeAprBps];
  if (aprBps === undefined || aprBps > capBps) return decline(['RATE_CAP']);
  if (offerCeiling < s.minOfferFen) return decline(['AMOUNT_LIMIT']);
  // A price at the cap is offered: the schedule rounds its interest so the all-in APR stays within the
  // cap (schedule.ts). This stays as the guard that no offer's all-in APR is over the cap.
  const offered = schedule(offerCeiling, aprBps, input, rules);
  if (!allInAprAtMost(offerCeiling, offered, input.today, capBps)) return decline(['RATE_CAP']);

  return {
    decision: 'approve',
    score: card.score,
    grade,
    reasonCodes: top(offerCeiling < input.request.amount ? ['AMOUNT_REDUCED'] : []),
    offer: {
      amount: offerCeiling,
      termMonths: input.request.termMonths,
      aprBps,
      repaymentMethod: input.request.repaymentMethod,
      installmentAmount: largestInstallment(offered),
      totalRepayable: offered.reduce((sum, i) => sum + i.amountDue, 0),
    },
  };
}
