import type { Rules } from '#shared/config/rules.ts';
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

/** Interest for one month on `balance`, rounded once. */
function monthInterest(balance: bigint, aprBps: number): bigint {
  return roundHalfUpDiv(balance * BigInt(aprBps), MONTHLY_RATE_DENOMINATOR);
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
 */
export function buildSchedule(terms: LoanTerms, rules: Rules): ScheduledInstallment[] {
  validate(terms, rules);
  const n = terms.repaymentMethod === 'bullet' ? 1 : terms.termMonths;
  let balance = BigInt(terms.principal);
  const rows: ScheduledInstallment[] = [];

  if (terms.repaymentMethod === 'bullet') {
    const interest = roundHalfUpDiv(
      balance * BigInt(terms.aprBps) * BigInt(terms.termMonths),
      MONTHLY_RATE_DENOMINATOR,
    );
    const only = row(1, terms, balance, interest);
    return [{ ...only, dueDate: addMonthsClamped(terms.disbursedOn, terms.termMonths) }];
  }

  const payment =
    terms.repaymentMethod === 'equal_installment' ? annuityPayment(terms.principal, terms.aprBps, n) : 0n;
  const principalPart = BigInt(terms.principal) / BigInt(n);
  for (let k = 1; k <= n; k++) {
    const interest = monthInterest(balance, terms.aprBps);
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
