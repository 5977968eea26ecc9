import type { Rules } from '#shared/config/rules.ts';
import type { ReasonCode } from './reasons.ts';

export type EmploymentStatus = 'employed' | 'self_employed' | 'unemployed' | 'student' | 'retired';
export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';

/** What the scorecard sees: numbers only, no personal data. */
export interface ScorecardInput {
  ageYears: number;
  employmentStatus: EmploymentStatus;
  monthsInCurrentJob: number;
  monthlyIncome: number;
  /** Debt payments including the new installment, over income, in bps. */
  dtiBps: number;
  worstDpdLast12Months: number;
  inquiriesLast90Days: number;
  activeLoansOtherLenders: number;
  creditHistoryMonths: number;
}

/** Each characteristic: its points table, the input it reads, and the reason it gives when it costs points. */
export const characteristics = [
  {
    table: 'worstDpdLast12Months',
    reason: 'DELINQUENCY_HISTORY',
    value: (i: ScorecardInput) => i.worstDpdLast12Months,
  },
  { table: 'inquiriesLast90Days', reason: 'INQUIRIES', value: (i: ScorecardInput) => i.inquiriesLast90Days },
  {
    table: 'activeLoansOtherLenders',
    reason: 'OTHER_LENDER_LOANS',
    value: (i: ScorecardInput) => i.activeLoansOtherLenders,
  },
  { table: 'dtiBps', reason: 'DEBT_TO_INCOME', value: (i: ScorecardInput) => i.dtiBps },
  { table: 'monthsInCurrentJob', reason: 'EMPLOYMENT', value: (i: ScorecardInput) => i.monthsInCurrentJob },
  {
    table: 'creditHistoryMonths',
    reason: 'CREDIT_HISTORY',
    value: (i: ScorecardInput) => i.creditHistoryMonths,
  },
  { table: 'ageYears', reason: 'AGE_BAND', value: (i: ScorecardInput) => i.ageYears },
  { table: 'monthlyIncomeFen', reason: 'INCOME', value: (i: ScorecardInput) => i.monthlyIncome },
] as const satisfies readonly { table: string; reason: ReasonCode; value: (i: ScorecardInput) => number }[];

type Bins = Rules['scoring']['points'][string];

export function pointsFor(bins: Bins, value: number): number {
  for (const bin of bins) {
    if (bin.upTo === undefined || value <= bin.upTo) return bin.points;
  }
  // Configuration guarantees an open last bin; a table without one scores its last bin.
  return bins[bins.length - 1]?.points ?? 0;
}

export interface ScoreLine {
  reason: ReasonCode;
  points: number;
  /** Points lost against the best bin: how much this characteristic held the score down. */
  shortfall: number;
}

export interface Scorecard {
  score: number;
  lines: ScoreLine[];
}

function table(rules: Rules, name: string): Bins {
  const bins = rules.scoring.points[name];
  if (!bins) throw new Error(`scoring.points.${name} is missing from the configuration`);
  return bins;
}

/**
 * Points scorecard on the 600 / 50:1 / 20-PDO scale: the base score stands for the base odds and each
 * characteristic's points are log-odds in score units, so every 20 points doubles the odds of repaying.
 */
export function scorecard(input: ScorecardInput, rules: Rules): Scorecard {
  const lines: ScoreLine[] = characteristics.map((c) => {
    const bins = table(rules, c.table);
    const best = Math.max(...bins.map((b) => b.points));
    let points = pointsFor(bins, c.value(input));
    let bestPoints = best;
    if (c.reason === 'EMPLOYMENT') {
      const statusPoints = rules.scoring.employmentPoints;
      points += statusPoints[input.employmentStatus];
      bestPoints += Math.max(...Object.values(statusPoints));
    }
    return { reason: c.reason, points, shortfall: bestPoints - points };
  });
  const score = Math.round(rules.scoring.basePoints + lines.reduce((sum, l) => sum + l.points, 0));
  return { score, lines };
}

/** Good:bad odds a score stands for on the configured scale. */
export function oddsAtScore(score: number, rules: Rules): number {
  const { basePoints, baseOdds, pointsToDoubleOdds } = rules.scoring;
  return baseOdds * 2 ** ((score - basePoints) / pointsToDoubleOdds);
}

export function gradeOf(score: number, rules: Rules): Grade {
  const grades = [...rules.scoring.grades].sort((a, b) => b.minScore - a.minScore);
  return grades.find((g) => score >= g.minScore)?.grade ?? rules.scoring.lowestGrade;
}

/** Characteristics that cost points, most costly first (ties keep the scorecard's order). */
export function adverseReasons(card: Scorecard): ReasonCode[] {
  return card.lines
    .filter((l) => l.shortfall > 0)
    .map((l, order) => ({ ...l, order }))
    .sort((a, b) => b.shortfall - a.shortfall || a.order - b.order)
    .map((l) => l.reason);
}
