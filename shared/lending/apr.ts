import type { Rules } from '#shared/config/rules.ts';
import { parseLocalDate } from './calendar.ts';
import type { Bps, Fen, LocalDate } from './types.ts';

const MONTHS_PER_YEAR_BPS = 120_000n;
const SEARCH_CEILING_BPS = 1_000_000;

function monthsBetween(from: LocalDate, to: LocalDate): number {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  return (b.year - a.year) * 12 + (b.month - a.month);
}

/** Is Σ amount_k / (1 + r/120000)^k ≤ disbursed? Compared exactly by clearing the denominators. */
function presentValueAtMost(disbursed: Fen, flows: { k: number; amount: Fen }[], rateBps: number): boolean {
  const n = Math.max(...flows.map((f) => f.k));
  const growth = MONTHS_PER_YEAR_BPS + BigInt(rateBps);
  let pv = 0n;
  for (const f of flows)
    pv += BigInt(f.amount) * growth ** BigInt(n - f.k) * MONTHS_PER_YEAR_BPS ** BigInt(f.k);
  return pv <= BigInt(disbursed) * growth ** BigInt(n);
}

/** The borrower's payments by the month (from disbursement) they fall in. */
function flowsOf(
  installments: readonly { dueDate: LocalDate; amountDue: Fen }[],
  disbursedOn: LocalDate,
): { k: number; amount: Fen }[] {
  return installments.map((i) => ({
    k: Math.max(1, monthsBetween(disbursedOn, i.dueDate)),
    amount: i.amountDue,
  }));
}

/**
 * Is the all-in APR of a schedule at most `capBps`? The same as `allInAprBps(...) <= capBps`, in one
 * exact present-value comparison at the cap instead of a search.
 */
export function allInAprAtMost(
  disbursed: Fen,
  installments: readonly { dueDate: LocalDate; amountDue: Fen }[],
  disbursedOn: LocalDate,
  capBps: Bps,
): boolean {
  const flows = flowsOf(installments, disbursedOn);
  return flows.length === 0 || presentValueAtMost(disbursed, flows, capBps);
}

/**
 * The all-in APR of a schedule: 12 × the monthly internal rate of return of every amount the borrower
 * pays (interest and fees alike) against the amount actually disbursed. Rounded up to the basis point,
 * so comparing it with a cap errs on the borrower's side.
 */
export function allInAprBps(
  disbursed: Fen,
  installments: readonly { dueDate: LocalDate; amountDue: Fen }[],
  disbursedOn: LocalDate,
): Bps {
  const flows = flowsOf(installments, disbursedOn);
  if (flows.length === 0 || presentValueAtMost(disbursed, flows, 0)) return 0;
  let low = 0; // PV(low) > disbursed
  let high = SEARCH_CEILING_BPS;
  if (!presentValueAtMost(disbursed, flows, high)) return high;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (presentValueAtMost(disbursed, flows, mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** The rate cap in force on the contract date: fixed, or a multiple of the one-year LPR of that date. */
export function aprCapBps(contractDate: LocalDate, rules: Rules): Bps {
  const cap = aprCapInForce(contractDate, rules);
  if (cap === undefined)
    throw new RangeError(`no LPR in the configured table is in force on ${contractDate}`);
  return cap;
}

/** `aprCapBps`, or undefined where the LPR table has no entry in force on that date. */
export function aprCapInForce(contractDate: LocalDate, rules: Rules): Bps | undefined {
  const cap = rules.rateCap;
  if (cap.mode === 'fixed') return cap.aprCapBps;
  const inForce = [...cap.lprTable]
    .filter((e) => e.from <= contractDate)
    .sort((a, b) => (a.from < b.from ? -1 : 1))
    .at(-1);
  return inForce ? cap.lprMultiple * inForce.oneYearBps : undefined;
}

/** Penalty APR: a share of the contract APR, never more than the headroom the cap leaves. */
export function penaltyAprBps(contractAprBps: Bps, capBps: Bps, rules: Rules): Bps {
  const share = Math.floor((contractAprBps * rules.delinquency.penaltyShareOfAprBps) / 10_000);
  return Math.max(0, Math.min(share, capBps - contractAprBps));
}
