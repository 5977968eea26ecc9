import type { Rules } from '#shared/config/rules.ts';
import { addDays } from './calendar.ts';
import { bucketOf } from './delinquency.ts';
import { monthsOnBook } from './portfolio-tally.ts';
import type { Fen, LocalDate } from './types.ts';

/** The running totals of one partner's book (active loans), and what left it by charge-off, and recoveries. */
export interface PartnerCounters {
  loans: number;
  outstanding: Fen;
  chargedOffLoans: number;
  chargedOffPrincipal: Fen;
  recoveries: Fen;
}

/** A booking month: loans booked, and how many first reached the vintage DPD at each month on book. */
export interface VintageCounters {
  booked: number;
  delinquentByMob: Record<number, number>;
}

/** Every running total, summed over the counter shards. */
export interface PortfolioTotals {
  partners: Record<string, PartnerCounters>;
  provinces: Record<string, { loans: number; outstanding: Fen }>;
  vintages: Record<string, VintageCounters>;
}

/** A loan past due as the ageing job saw it (outstanding is principal, fen). */
export interface PastDueLoan {
  partnerId: string;
  dpd: number;
  outstanding: Fen;
}

export interface BucketFigures {
  loans: number;
  outstanding: Fen;
}

export interface PortfolioFigures {
  loans: number;
  /** Outstanding principal of active loans, fen. */
  outstanding: Fen;
  /** Every bucket the rules name, current first. */
  buckets: Record<string, BucketFigures>;
  /** Outstanding principal of loans at or past the non-performing DPD (90). */
  nplOutstanding: Fen;
  /** nplOutstanding ÷ outstanding, in basis points (0 for an empty book). */
  nplRatioBps: number;
  /** Since the totals began. */
  chargedOff: BucketFigures;
  recoveries: Fen;
}

export interface RollRate {
  from: string;
  to: string;
  /** Loans in `from` on the day `rollRateDays` before. */
  loans: number;
  /** Of those, the loans in `to` today. */
  rolled: number;
  /** rolled ÷ loans in basis points; null when no loan was in `from`. */
  rateBps: number | null;
}

export interface VintageCurve {
  month: string;
  booked: number;
  /** By month on book (index 0 = the booking month): the share ever at the vintage DPD by then, bps. */
  delinquentBps: number[];
}

export interface ConcentrationFigure {
  kind: 'partner' | 'province';
  key: string;
  outstanding: Fen;
  /** outstanding ÷ tier 1 capital, bps. */
  shareBps: number;
  limitBps: number;
  over: boolean;
}

export interface PortfolioSnapshot {
  date: LocalDate;
  total: PortfolioFigures;
  partners: Record<string, PortfolioFigures>;
  provinces: Record<string, BucketFigures>;
  /** Loans past due today by their bucket then and now (`M1>M2`): the roll rates' numerators. */
  transitions: Record<string, number>;
  /** Each bucket into the next; empty when there is no snapshot from `rollRateDays` before. */
  rollRates: RollRate[];
  vintages: VintageCurve[];
  /** Charged off and recovered since the day before's snapshot (absent without one). */
  day?: { chargedOff: BucketFigures; recoveries: Fen };
  concentration: { tier1CapitalFen: Fen; figures: ConcentrationFigure[]; warnings: ConcentrationFigure[] };
}

export interface SnapshotInputs {
  date: LocalDate;
  totals: PortfolioTotals;
  pastDue: readonly PastDueLoan[];
  /** The snapshot of `date − rollRateDays`, if one was taken. */
  earlier?: PortfolioSnapshot;
  /** The snapshot of the day before, if one was taken. */
  yesterday?: PortfolioSnapshot;
}

const ratioBps = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10_000) / whole) : 0);
const sorted = <T>(record: Record<string, T>) => Object.keys(record).sort();

/**
 * The day's portfolio snapshot from the running totals and the loans past due only: the current bucket
 * is the book less what is past due, so the current loans are never read.
 */
export function buildSnapshot(inputs: SnapshotInputs, rules: Rules): PortfolioSnapshot {
  const { totals, pastDue, date } = inputs;
  const partnerIds = [...new Set([...sorted(totals.partners), ...pastDue.map((l) => l.partnerId)])].sort();
  const partners: Record<string, PortfolioFigures> = {};
  for (const id of partnerIds) {
    partners[id] = figures(
      totals.partners[id] ?? emptyCounters(),
      pastDue.filter((l) => l.partnerId === id),
      rules,
    );
  }
  const total = figures(sumCounters(Object.values(totals.partners)), pastDue, rules);
  const provinces: Record<string, BucketFigures> = {};
  for (const code of sorted(totals.provinces))
    provinces[code] = { ...(totals.provinces[code] as BucketFigures) };
  const transitions = transitionCounts(pastDue, rules);
  const day = inputs.yesterday ? sinceYesterday(total, inputs.yesterday) : undefined;
  return {
    date,
    total,
    partners,
    provinces,
    transitions,
    rollRates: inputs.earlier ? rollRates(inputs.earlier, transitions, rules) : [],
    vintages: vintageCurves(totals.vintages, date),
    ...(day ? { day } : {}),
    concentration: concentration(partners, provinces, rules),
  };
}

function emptyCounters(): PartnerCounters {
  return { loans: 0, outstanding: 0, chargedOffLoans: 0, chargedOffPrincipal: 0, recoveries: 0 };
}

function sumCounters(all: readonly PartnerCounters[]): PartnerCounters {
  const sum = emptyCounters();
  for (const c of all) {
    sum.loans += c.loans;
    sum.outstanding += c.outstanding;
    sum.chargedOffLoans += c.chargedOffLoans;
    sum.chargedOffPrincipal += c.chargedOffPrincipal;
    sum.recoveries += c.recoveries;
  }
  return sum;
}

function figures(counters: PartnerCounters, pastDue: readonly PastDueLoan[], rules: Rules): PortfolioFigures {
  const names = rules.delinquency.buckets.map((b) => b.name);
  const buckets: Record<string, BucketFigures> = {};
  for (const name of names) buckets[name] = { loans: 0, outstanding: 0 };
  let nplOutstanding = 0;
  for (const loan of pastDue) {
    const slot = buckets[bucketOf(loan.dpd, rules)] as BucketFigures;
    slot.loans += 1;
    slot.outstanding += loan.outstanding;
    if (loan.dpd >= rules.delinquency.nonPerformingDpd) nplOutstanding += loan.outstanding;
  }
  const current = buckets[names[0] as string] as BucketFigures;
  // The book less what is past due: the current loans are counted, never read.
  current.loans += counters.loans - pastDue.length;
  current.outstanding += counters.outstanding - pastDue.reduce((sum, l) => sum + l.outstanding, 0);
  return {
    loans: counters.loans,
    outstanding: counters.outstanding,
    buckets,
    nplOutstanding,
    nplRatioBps: ratioBps(nplOutstanding, counters.outstanding),
    chargedOff: { loans: counters.chargedOffLoans, outstanding: counters.chargedOffPrincipal },
    recoveries: counters.recoveries,
  };
}

/**
 * A loan past due today at `dpd` was, `rollRateDays` before, at `dpd − rollRateDays` (its oldest unpaid
 * installment was then already unpaid, or not yet due): the bucket then is read off today's DPD, so no
 * loan is read again and no per-loan history is kept.
 */
function transitionCounts(pastDue: readonly PastDueLoan[], rules: Rules): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const loan of pastDue) {
    const then = bucketOf(Math.max(0, loan.dpd - rules.portfolio.rollRateDays), rules);
    const key = `${then}>${bucketOf(loan.dpd, rules)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Roll rate b → b+1 = loans in b on t−30 that are in b+1 on t, over loans in b on t−30 (domain rules). */
export function rollRates(
  earlier: Pick<PortfolioSnapshot, 'total'>,
  transitions: Record<string, number>,
  rules: Rules,
): RollRate[] {
  const names = rules.delinquency.buckets.map((b) => b.name);
  return names.slice(0, -1).map((from, i) => {
    const to = names[i + 1] as string;
    const loans = earlier.total.buckets[from]?.loans ?? 0;
    const rolled = transitions[`${from}>${to}`] ?? 0;
    return { from, to, loans, rolled, rateBps: loans > 0 ? ratioBps(rolled, loans) : null };
  });
}

/** Each booking month's share ever at the vintage DPD, by month on book up to today's. */
export function vintageCurves(vintages: Record<string, VintageCounters>, date: LocalDate): VintageCurve[] {
  return sorted(vintages).map((month) => {
    const v = vintages[month] as VintageCounters;
    const mobs = monthsOnBook(`${month}-01`, date);
    const delinquentBps: number[] = [];
    let ever = 0;
    for (let mob = 0; mob <= mobs; mob++) {
      ever += v.delinquentByMob[mob] ?? 0;
      delinquentBps.push(ratioBps(ever, v.booked));
    }
    return { month, booked: v.booked, delinquentBps };
  });
}

function sinceYesterday(total: PortfolioFigures, yesterday: PortfolioSnapshot) {
  return {
    chargedOff: {
      loans: total.chargedOff.loans - yesterday.total.chargedOff.loans,
      outstanding: total.chargedOff.outstanding - yesterday.total.chargedOff.outstanding,
    },
    recoveries: total.recoveries - yesterday.total.recoveries,
  };
}

/** Outstanding per partner and per province against their shares of tier 1 capital. */
export function concentration(
  partners: Record<string, { outstanding: Fen }>,
  provinces: Record<string, { outstanding: Fen }>,
  rules: Rules,
): PortfolioSnapshot['concentration'] {
  const { tier1CapitalFen, partnerLimitBps, provinceLimitBps } = rules.portfolio;
  const figure = (kind: 'partner' | 'province', key: string, outstanding: Fen, limitBps: number) => ({
    kind,
    key,
    outstanding,
    shareBps: ratioBps(outstanding, tier1CapitalFen),
    limitBps,
    // "Above" the limit, compared exactly (a rounded share could hide or invent a breach).
    over: outstanding * 10_000 > limitBps * tier1CapitalFen,
  });
  const figures: ConcentrationFigure[] = [
    ...sorted(partners).map((id) =>
      figure('partner', id, (partners[id] as { outstanding: Fen }).outstanding, partnerLimitBps),
    ),
    ...sorted(provinces).map((code) =>
      figure('province', code, (provinces[code] as { outstanding: Fen }).outstanding, provinceLimitBps),
    ),
  ];
  return { tier1CapitalFen, figures, warnings: figures.filter((f) => f.over) };
}

/** The business date whose snapshot the roll rates compare with. */
export const rollRateBaseDate = (date: LocalDate, rules: Rules) =>
  addDays(date, -rules.portfolio.rollRateDays);
