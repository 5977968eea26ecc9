import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { addDays } from '#shared/lending/calendar.ts';
import {
  buildSnapshot,
  type PastDueLoan,
  type PortfolioSnapshot,
  rollRateBaseDate,
} from '#shared/lending/portfolio-snapshot.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import { recordBy } from '#shared/observability/metrics.ts';
import type { EscalationDeps } from './escalation-deps.ts';

/**
 * The business date's portfolio snapshot: the running totals (a few counter items), the loans past due
 * the ageing job has just read, and the snapshots of the day before and of `rollRateDays` before. Stored
 * once per date (a conditional put): a rerun of the date keeps, and answers, the snapshot stored first.
 */
export async function takePortfolioSnapshot(
  deps: Pick<EscalationDeps, 'repos' | 'rules' | 'metrics'>,
  businessDate: LocalDate,
  pastDue: readonly PastDueLoan[],
): Promise<PortfolioSnapshot> {
  const { portfolio } = deps.repos;
  const stored = await portfolio.getSnapshot(businessDate);
  if (stored) return stored;
  const [totals, earlier, yesterday] = await Promise.all([
    portfolio.readTotals(),
    portfolio.getSnapshot(rollRateBaseDate(businessDate, deps.rules)),
    portfolio.getSnapshot(addDays(businessDate, -1)),
  ]);
  const snapshot = buildSnapshot({ date: businessDate, totals, pastDue, earlier, yesterday }, deps.rules);
  const first = (await portfolio.putSnapshot(snapshot))
    ? snapshot
    : await portfolio.getSnapshot(businessDate);
  const taken = first ?? snapshot;
  emitPortfolioMetrics(deps, taken);
  return taken;
}

/** EMF: the book, NPL ratio, charge-offs and recoveries, per partner and in total, and concentration. */
function emitPortfolioMetrics(deps: Pick<EscalationDeps, 'metrics'>, snapshot: PortfolioSnapshot): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  const { total } = snapshot;
  metrics.addMetric('PortfolioOutstanding', MetricUnit.NoUnit, total.outstanding);
  metrics.addMetric('PortfolioNplRatioBps', MetricUnit.NoUnit, total.nplRatioBps);
  metrics.addMetric('PortfolioChargedOffPrincipal', MetricUnit.NoUnit, total.chargedOff.outstanding);
  metrics.addMetric('PortfolioRecoveries', MetricUnit.NoUnit, total.recoveries);
  // Partners are the lender's few cooperating institutions, not people: a bounded dimension.
  for (const [partnerId, figures] of Object.entries(snapshot.partners)) {
    recordBy(metrics, 'PartnerOutstanding', MetricUnit.NoUnit, figures.outstanding, { partnerId });
    recordBy(metrics, 'PartnerNplRatioBps', MetricUnit.NoUnit, figures.nplRatioBps, { partnerId });
  }
  for (const rate of snapshot.rollRates) {
    if (rate.rateBps !== null)
      recordBy(metrics, 'RollRateBps', MetricUnit.NoUnit, rate.rateBps, { from: rate.from, to: rate.to });
  }
  // Alarmed: any partner or province over its share of tier 1 capital.
  metrics.addMetric('ConcentrationBreaches', MetricUnit.Count, snapshot.concentration.warnings.length);
}
