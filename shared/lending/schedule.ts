import type { Rules } from '#shared/config/rules.ts';
import { allInAprAtMost, aprCapInForce } from './apr.ts';
import { addMonthsClamped, isValidLocalDate } from './calendar.ts';
import { roundHalfUpDiv, toFen } from './money.ts';
import type { LoanTerms, ScheduledInstallment } from './types.ts';

export class InvalidLoanTermsError extends Error {
  override name = 'InvalidLoanTermsError';
}

/** aprBps / 10000 / 12 as a fraction with this denominator. */
const MONTHLY_RATE_DENOMINATOR = 120_000n;

function validate(terms: LoanTerms, rules: Rules): void {
  const s = rules.schedule;
  const problems: string[] = [];
  if (!Number.isSafeInteger(terms.principal) || terms.principal <= 0)
    problems.push('principal must be a positive whole number of fen');
  if (!Number.isInteger(terms.aprBps) || terms.aprBps < 0)
    problems.push('aprBps must be a non-negative integer');
  const maxTerm = terms.repaymentMethod === 'bullet' ? s.maxBulletTermMonths : s.maxTermMonths;
  if (
    !Number.isInteger(terms.termMonths) ||
    terms.termMonths < s.minTermMonths ||
    terms.termMonths > maxTerm
  ) {
    problems.push(`termMonths must be ${s.minTermMonths}–${maxTerm} for ${terms.repaymentMethod}`);
  }
  if (!isValidLocalDate(terms.disbursedOn)) problems.push('disbursedOn must be a calendar date');
  const fee = terms.feePerInstallment ?? 0;
  if (!Number.isSafeInteger(fee) || fee < 0)
    problems.push('feePerInstallment must be a non-negative whole number of fen');
  if (problems.length > 0) throw new InvalidLoanTermsError(problems.join('; '));
}

/**
 * How interest amounts are rounded to the fen: half up, or down where half up would carry the all-in
 * APR over the cap (see `buildSchedule`).
 */
type InterestRounding = 'half_up' | 'down';

/** numerator / denominator (both ≥ 0) rounded to a whole fen. */
function roundInterest(numerator: bigint, denominator: bigint, rounding: InterestRounding): bigint {
  return rounding === 'down' ? numerator / denominator : roundHalfUpDiv(numerator, denominator);
}

/** Interest for one month on `balance`, rounded once. */
function monthInterest(balance: bigint, aprBps: number, rounding: InterestRounding): bigint {
  return roundInterest(balance * BigInt(aprBps), MONTHLY_RATE_DENOMINATOR, rounding);
}

/** The annuity payment P·r·(1+r)^n / ((1+r)^n − 1), exact in integers until the one rounding. */
export function annuityPayment(principal: number, aprBps: number, n: number): bigint {
  const p = BigInt(principal);
  if (aprBps === 0) return roundHalfUpDiv(p, BigInt(n));
  const a = BigInt(aprBps);
  const grown = (MONTHLY_RATE_DENOMINATOR + a) ** BigInt(n);
  const base = MONTHLY_RATE_DENOMINATOR ** BigInt(n);
  return roundHalfUpDiv(p * a * grown, MONTHLY_RATE_DENOMINATOR * (grown - base));
}

function row(no: number, terms: LoanTerms, principal: bigint, interest: bigint): ScheduledInstallment {
  const feeDue = terms.feePerInstallment ?? 0;
  const principalDue = toFen(principal, 'principal part');
  const interestDue = toFen(interest, 'interest');
  return {
    installmentNo: no,
    dueDate: addMonthsClamped(terms.disbursedOn, no),
    principalDue,
    interestDue,
    feeDue,
    amountDue: principalDue + interestDue + feeDue,
  };
}

/**
 * The repayment schedule. Due date n keeps the disbursement day of month, or the month's last day
 * where the month is shorter. Every amount is rounded once; the last installment absorbs the rounding
 * so the principal parts sum to the principal exactly.
 *
 * Interest rounds half up, except where that would carry the all-in APR over the cap in force on the
 * disbursement date (about half the amounts and terms of a loan priced at the cap): there every
 * interest amount rounds down. Each month's interest is then at most the balance × the monthly rate,
 * so the schedule's internal rate of return is at most its nominal rate, and a loan priced at the cap
 * is offered at the cap, never over it.
 */
export function buildSchedule(terms: LoanTerms, rules: Rules): ScheduledInstallment[] {
  validate(terms, rules);
  const halfUp = scheduleRows(terms, 'half_up');
  const cap = aprCapInForce(terms.disbursedOn, rules);
  if (cap === undefined || terms.aprBps > cap || roundingCannotReachCap(terms, halfUp.length, cap))
    return halfUp;
  if (allInAprAtMost(terms.principal, halfUp, terms.disbursedOn, cap)) return halfUp;
  return scheduleRows(terms, 'down');
}

/**
 * A cheap test that spares the exact one for loans priced well under the cap. With r the monthly rate
 * and e_k ≤ ½ fen each rounding, the payments' present value at r is at most P + Σ (½ + fee); at the cap
 * c each payment is worth at most (1 + r)/(1 + c) of that. So the all-in APR stays within the cap when
 * (1 + r)(P + n(½ + fee)) ≤ (1 + c)P, i.e. n(120000 + r)(1 + 2·fee) ≤ 2(c − r)P in basis points.
 */
function roundingCannotReachCap(terms: LoanTerms, installments: number, capBps: number): boolean {
  const apr = BigInt(terms.aprBps);
  const fee = BigInt(terms.feePerInstallment ?? 0);
  return (
    BigInt(installments) * (MONTHLY_RATE_DENOMINATOR + apr) * (1n + 2n * fee) <=
    2n * (BigInt(capBps) - apr) * BigInt(terms.principal)
  );
}

function scheduleRows(terms: LoanTerms, rounding: InterestRounding): ScheduledInstallment[] {
  const n = terms.repaymentMethod === 'bullet' ? 1 : terms.termMonths;
  let balance = BigInt(terms.principal);
  const rows: ScheduledInstallment[] = [];

  if (terms.repaymentMethod === 'bullet') {
    const interest = roundInterest(
      balance * BigInt(terms.aprBps) * BigInt(terms.termMonths),
      MONTHLY_RATE_DENOMINATOR,
      rounding,
    );
    const only = row(1, terms, balance, interest);
    return [{ ...only, dueDate: addMonthsClamped(terms.disbursedOn, terms.termMonths) }];
  }

  const payment =
    terms.repaymentMethod === 'equal_installment' ? annuityPayment(terms.principal, terms.aprBps, n) : 0n;
  const principalPart = BigInt(terms.principal) / BigInt(n);
  for (let k = 1; k <= n; k++) {
    const interest = monthInterest(balance, terms.aprBps, rounding);
    let principal: bigint;
    if (k === n) principal = balance;
    else if (terms.repaymentMethod === 'equal_installment') principal = payment - interest;
    else principal = principalPart;
    // A very small loan at a high rate can round to a payment below its interest; never amortise negatively.
    if (principal < 0n) principal = 0n;
    if (principal > balance) principal = balance;
    rows.push(row(k, terms, principal, interest));
    balance -= principal;
  }
  return rows;
}
