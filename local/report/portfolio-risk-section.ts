import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import type { Chart, ReportSection, Table } from './report-types.ts';

const yuan = (fen: number) =>
  (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percentOfBps = (bps: number) => `${(bps / 100).toFixed(2)} %`;

/**
 * The portfolio-risk row from `portfolio.jsonl` (the snapshots the ageing job stored): the book by
 * partner with its NPL ratio, concentration against tier 1 capital (a warning when over a limit),
 * vintages, and the NPL ratio over the run.
 */
export function portfolioRisk(snapshots: readonly PortfolioSnapshot[]): ReportSection {
  const last = snapshots.at(-1);
  if (!last) {
    return {
      title: 'Portfolio risk',
      tables: [],
      charts: [],
      missing: 'No portfolio snapshot in this run (portfolio.jsonl is written by duebell simulate).',
    };
  }
  const book: Table = {
    title: `Book on ${last.date} (outstanding principal)`,
    head: [
      'partner',
      'loans',
      'outstanding (¥)',
      'NPL ratio',
      'charged off',
      'charged off (¥)',
      'recoveries (¥)',
    ],
    rows: [
      ...Object.entries(last.partners).map(([id, f]) => [
        id,
        f.loans,
        yuan(f.outstanding),
        percentOfBps(f.nplRatioBps),
        f.chargedOff.loans,
        yuan(f.chargedOff.outstanding),
        yuan(f.recoveries),
      ]),
      [
        'total',
        last.total.loans,
        yuan(last.total.outstanding),
        percentOfBps(last.total.nplRatioBps),
        last.total.chargedOff.loans,
        yuan(last.total.chargedOff.outstanding),
        yuan(last.total.recoveries),
      ],
    ],
  };
  const { concentration } = last;
  const concentrationTable: Table = {
    title: `Concentration against tier 1 capital (¥${yuan(concentration.tier1CapitalFen)})`,
    head: ['kind', 'partner or province', 'outstanding (¥)', 'share', 'limit', ''],
    rows: concentration.figures.map((f) => [
      f.kind,
      f.key,
      yuan(f.outstanding),
      percentOfBps(f.shareBps),
      percentOfBps(f.limitBps),
      f.over ? 'WARNING: over the limit' : 'ok',
    ]),
    note:
      concentration.warnings.length > 0
        ? `WARNING: ${concentration.warnings.map((w) => `${w.kind} ${w.key} holds ${percentOfBps(w.shareBps)} (limit ${percentOfBps(w.limitBps)})`).join('; ')}.`
        : 'No partner or province over its limit.',
  };
  const mobs = Math.max(0, ...last.vintages.map((v) => v.delinquentBps.length));
  const vintages: Table = {
    title: 'Vintages: share ever 30+ DPD by month on book',
    head: ['booked', 'loans', ...Array.from({ length: mobs }, (_, m) => `MOB ${m}`)],
    rows: last.vintages.map((v) => [v.month, v.booked, ...v.delinquentBps.map(percentOfBps)]),
  };
  const rolls: Table = {
    title: `Roll rates on ${last.date} (t−30 to t)`,
    head: ['from', 'to', 'loans then', 'rolled', 'rate'],
    rows: last.rollRates.map((r) => [
      r.from,
      r.to,
      r.loans,
      r.rolled,
      r.rateBps === null ? '–' : percentOfBps(r.rateBps),
    ]),
  };
  const npl: Chart = {
    id: 'npl-ratio',
    title: 'NPL ratio (%)',
    kind: 'line',
    percent: true,
    labels: snapshots.map((s) => s.date),
    datasets: [{ label: 'NPL ratio', data: snapshots.map((s) => s.total.nplRatioBps / 100) }],
  };
  return { title: 'Portfolio risk', tables: [book, concentrationTable, rolls, vintages], charts: [npl] };
}
