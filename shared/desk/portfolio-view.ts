import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { PortfolioQuery } from '#shared/schemas/portfolio-risk.ts';

/**
 * The daily snapshots of a range of dates, oldest first; given a partner, each keeps that partner's
 * figures and concentration only (the book's totals stay, as the denominator a partner is judged by).
 */
export async function portfolioView(deps: { repos: Pick<Stores, 'portfolio'> }, query: PortfolioQuery) {
  const snapshots = await deps.repos.portfolio.listSnapshots(query.from, query.to);
  const { partnerId } = query;
  return {
    from: query.from,
    to: query.to,
    ...(partnerId ? { partnerId } : {}),
    snapshots: partnerId ? snapshots.map((s) => forPartner(s, partnerId)) : snapshots,
  };
}

function forPartner(snapshot: PortfolioSnapshot, partnerId: string): PortfolioSnapshot {
  const mine = snapshot.partners[partnerId];
  const own = <T extends { kind: string; key: string }>(f: T) => f.kind === 'partner' && f.key === partnerId;
  return {
    ...snapshot,
    partners: mine ? { [partnerId]: mine } : {},
    concentration: {
      ...snapshot.concentration,
      figures: snapshot.concentration.figures.filter(own),
      warnings: snapshot.concentration.warnings.filter(own),
    },
  };
}
