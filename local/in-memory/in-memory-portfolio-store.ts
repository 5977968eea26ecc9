import type { PortfolioSnapshot, PortfolioTotals } from '#shared/lending/portfolio-snapshot.ts';
import type { PortfolioDelta } from '#shared/lending/portfolio-tally.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { PortfolioStore } from '#shared/ports/portfolio.ts';
import { stored } from './copy.ts';

/**
 * The running totals and snapshots in memory. The in-memory loan store adds each write's delta here as
 * the repository's transaction adds it to the counter items (unsharded: shards only spread writes).
 */
export class InMemoryPortfolioStore implements PortfolioStore {
  private readonly totals: PortfolioTotals = { partners: {}, provinces: {}, vintages: {} };
  private readonly snapshots = new Map<LocalDate, PortfolioSnapshot>();

  /** The counter items a delta's transaction touches (as `portfolioCounterUpdates` writes them). */
  static itemIds(delta: PortfolioDelta): string[] {
    const touched = touches(delta);
    return [
      ...(touched.partner ? [`portfolio|partner|${delta.partnerId}`] : []),
      ...(touched.province ? [`portfolio|province|${delta.provinceCode}`] : []),
      ...(touched.vintage ? [`portfolio|vintage|${delta.vintage?.month}`] : []),
    ];
  }

  /** Adds a committed write's delta; an item a zero delta would not write is not created. */
  add(delta: PortfolioDelta): void {
    const touched = touches(delta);
    if (touched.partner) this.addPartner(delta);
    if (touched.province && delta.provinceCode) {
      const r = this.totals.provinces[delta.provinceCode] ?? { loans: 0, outstanding: 0 };
      r.loans += delta.loans;
      r.outstanding += delta.outstanding;
      this.totals.provinces[delta.provinceCode] = r;
    }
    const { vintage } = delta;
    if (touched.vintage && vintage) {
      const v = this.totals.vintages[vintage.month] ?? { booked: 0, delinquentByMob: {} };
      v.booked += vintage.booked;
      if (vintage.delinquentAtMob !== undefined)
        v.delinquentByMob[vintage.delinquentAtMob] = (v.delinquentByMob[vintage.delinquentAtMob] ?? 0) + 1;
      this.totals.vintages[vintage.month] = v;
    }
  }

  private addPartner(delta: PortfolioDelta): void {
    const p = this.totals.partners[delta.partnerId] ?? {
      loans: 0,
      outstanding: 0,
      chargedOffLoans: 0,
      chargedOffPrincipal: 0,
      recoveries: 0,
    };
    p.loans += delta.loans;
    p.outstanding += delta.outstanding;
    p.chargedOffLoans += delta.chargedOffLoans;
    p.chargedOffPrincipal += delta.chargedOffPrincipal;
    p.recoveries += delta.recoveries;
    this.totals.partners[delta.partnerId] = p;
  }

  async readTotals(): Promise<PortfolioTotals> {
    return stored(this.totals);
  }

  async putSnapshot(snapshot: PortfolioSnapshot): Promise<boolean> {
    if (this.snapshots.has(snapshot.date)) return false;
    this.snapshots.set(snapshot.date, stored(snapshot));
    return true;
  }

  async getSnapshot(date: LocalDate): Promise<PortfolioSnapshot | undefined> {
    const found = this.snapshots.get(date);
    return found ? stored(found) : undefined;
  }

  async listSnapshots(from: LocalDate, to: LocalDate): Promise<PortfolioSnapshot[]> {
    return [...this.snapshots.keys()]
      .filter((date) => from <= date && date <= to)
      .sort()
      .map((date) => stored(this.snapshots.get(date) as PortfolioSnapshot));
  }
}

/** Which counter items a delta writes: those with a non-zero field, as the repository's updates. */
function touches(delta: PortfolioDelta) {
  const { loans, outstanding, chargedOffLoans, chargedOffPrincipal, recoveries, vintage } = delta;
  return {
    partner: [loans, outstanding, chargedOffLoans, chargedOffPrincipal, recoveries].some((v) => v !== 0),
    province: delta.provinceCode !== undefined && (loans !== 0 || outstanding !== 0),
    vintage: vintage !== undefined && (vintage.booked !== 0 || vintage.delinquentAtMob !== undefined),
  };
}
