import { writeFileSync } from 'node:fs';
import type { Rules } from '#shared/config/rules.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import { bucketOf, daysPastDue } from '#shared/lending/delinquency.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import type { Bucket, LocalDate } from '#shared/lending/types.ts';
import type { Stores } from '#shared/ports/stores.ts';

/** One line of `ageing.jsonl`: the loans past due on a simulated day, as the ageing job saw them. */
export interface AgeingSnapshot {
  date: LocalDate;
  /** Loans past due and their outstanding (fen), by bucket. */
  buckets: Partial<Record<Bucket, { loans: number; outstanding: number }>>;
  /** Each loan past due, by id, with its bucket: what roll rates are computed from. */
  loans: Record<string, Bucket>;
}

/**
 * The daily ageing snapshot of a run (`ageing.jsonl`), taken right after the ageing job: the loans past
 * due, read through the same ageing index (never the current book), with their bucket and outstanding.
 * It is what `duebell report` draws ageing over time and roll rates from; on AWS the ageing job's
 * `LoansByBucket` and `OutstandingByBucket` metrics are the same figures.
 */
export class DailySnapshots {
  readonly snapshots: AgeingSnapshot[] = [];
  /** The ageing job's portfolio snapshot of each day (`portfolio.jsonl`), as `GET /v1/ops/portfolio` serves it. */
  readonly portfolio: PortfolioSnapshot[] = [];

  constructor(
    private readonly deps: { repos: Pick<Stores, 'ageing' | 'loans' | 'portfolio'>; rules: Rules },
    private readonly path?: string,
    private readonly portfolioPath?: string,
  ) {
    if (path) writeFileSync(path, '');
    if (portfolioPath) writeFileSync(portfolioPath, '');
  }

  async take(date: LocalDate): Promise<void> {
    const { repos, rules } = this.deps;
    const snapshot: AgeingSnapshot = { date, buckets: {}, loans: {} };
    for (const listed of await repos.ageing.findLoansPastDue(date)) {
      const found = await repos.loans.getLoanWithInstallments(listed.loanId);
      if (!found) continue;
      const installments = accrueLoanPenalty(found.loan, found.installments, date, rules);
      const bucket = bucketOf(daysPastDue(installments, date, rules), rules);
      if (bucket === 'current') continue;
      const owed = installments.reduce((sum, i) => sum + outstanding(i).total, 0);
      const slot = snapshot.buckets[bucket] ?? { loans: 0, outstanding: 0 };
      snapshot.buckets[bucket] = { loans: slot.loans + 1, outstanding: slot.outstanding + owed };
      snapshot.loans[listed.loanId] = bucket;
    }
    this.snapshots.push(snapshot);
    if (this.path) writeFileSync(this.path, `${JSON.stringify(snapshot)}\n`, { flag: 'a' });
    // The stored snapshot itself: the simulation reads what the ageing job wrote, it computes nothing.
    const stored = await repos.portfolio.getSnapshot(date);
    if (!stored) return;
    const portfolio = withSortedKeys(stored);
    this.portfolio.push(portfolio);
    if (this.portfolioPath)
      writeFileSync(this.portfolioPath, `${JSON.stringify(portfolio)}\n`, { flag: 'a' });
  }
}

/** A map read back from DynamoDB has no fixed key order: sorted, the same run writes the same bytes. */
function withSortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withSortedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, withSortedKeys(v)])) as T;
}
