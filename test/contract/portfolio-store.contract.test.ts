import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { buildSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import { loanDelta, type PortfolioDelta } from '#shared/lending/portfolio-tally.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import type { LoanStore } from '#shared/ports/stores.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const delta = (over: Partial<PortfolioDelta> & { loanId: string; partnerId: string }): PortfolioDelta => ({
  loans: 0,
  outstanding: 0,
  chargedOffLoans: 0,
  chargedOffPrincipal: 0,
  recoveries: 0,
  ...over,
});

/**
 * The PortfolioStore contract: the loan store's writes add their deltas to the totals only when they
 * commit, summed over shards; a snapshot is stored once per date. Tests share one table, so each uses
 * partners, provinces, months and dates of its own.
 */
function portfolioStoreContract(target: Target): void {
  const stores = useStores(target);

  it('sums the deltas of committed loan writes, by partner, province and vintage, over every shard', async () => {
    const partnerId = unique('partner');
    const province = unique('prov');
    const month = unique('month');
    for (const n of [1, 2, 3]) {
      const { loan, installments } = loanFixture({ loanId: unique('pl'), partnerId });
      await stores().loans.book(loan, installments, {
        events: [],
        portfolio: delta({
          loanId: loan.loanId,
          partnerId,
          provinceCode: province,
          loans: 1,
          outstanding: 1_000 * n,
          vintage: { month, booked: 1 },
        }),
      });
      await stores().loans.saveInstallments({ ...loan }, 1, [], {
        events: [],
        portfolio: delta({
          loanId: loan.loanId,
          partnerId,
          provinceCode: province,
          loans: n === 3 ? -1 : 0,
          outstanding: n === 3 ? -3_000 : 0,
          chargedOffLoans: n === 3 ? 1 : 0,
          chargedOffPrincipal: n === 3 ? 3_000 : 0,
          recoveries: 7,
          vintage: { month, booked: 0, delinquentAtMob: n },
        }),
      });
    }
    const totals = await stores().portfolio.readTotals();
    expect(totals.partners[partnerId]).toEqual({
      loans: 2,
      outstanding: 3_000,
      chargedOffLoans: 1,
      chargedOffPrincipal: 3_000,
      recoveries: 21,
    });
    expect(totals.provinces[province]).toEqual({ loans: 2, outstanding: 3_000 });
    expect(totals.vintages[month]).toEqual({ booked: 3, delinquentByMob: { 1: 1, 2: 1, 3: 1 } });
  });

  it('sums a bulk-loaded book as the bookings of its loans one by one would', async () => {
    const partnerId = unique('partner');
    const province = unique('prov');
    const book = Array.from({ length: 40 }, (_, n) =>
      loanFixture(
        { loanId: unique('bulk'), partnerId, provinceCode: province, identityHash: unique('person') },
        { principal: 100_000 + n * 1_000 },
      ),
    );
    const loader = stores().loans as LoanStore & {
      bulkLoad(loans: LoanRecord[], installments: InstallmentRecord[]): Promise<void>;
    };
    await loader.bulkLoad(
      book.map((b) => b.loan),
      book.flatMap((b) => b.installments),
    );
    const outstanding = book.reduce((sum, b) => sum + loanDelta(undefined, b).outstanding, 0);
    const totals = await stores().portfolio.readTotals();
    expect(totals.partners[partnerId]).toMatchObject({ loans: 40, outstanding });
    expect(totals.provinces[province]).toEqual({ loans: 40, outstanding });
  });

  it('adds nothing for a write that did not commit', async () => {
    const partnerId = unique('partner');
    const { loan, installments } = loanFixture({ loanId: unique('pl'), partnerId });
    const booked = delta({ loanId: loan.loanId, partnerId, loans: 1, outstanding: 500 });
    await stores().loans.book(loan, installments, { events: [], portfolio: booked });
    await expect(
      stores().loans.book(loan, installments, { events: [], portfolio: booked }),
    ).rejects.toThrow();
    await expect(
      stores().loans.saveInstallments(loan, 7, [], {
        events: [],
        portfolio: { ...booked, outstanding: -500 },
      }),
    ).rejects.toThrow();
    expect((await stores().portfolio.readTotals()).partners[partnerId]).toMatchObject({
      loans: 1,
      outstanding: 500,
    });
  });

  it('keeps the first snapshot of a date, and lists a range oldest first', async () => {
    const year = 2100 + Number(unique('y').split('-')[1]);
    const empty = { partners: {}, provinces: {}, vintages: {} };
    const snap = (date: string, loans: number) =>
      buildSnapshot(
        {
          date,
          totals: {
            ...empty,
            partners: {
              P: { loans, outstanding: loans, chargedOffLoans: 0, chargedOffPrincipal: 0, recoveries: 0 },
            },
          },
          pastDue: [],
        },
        defaultRules,
      );
    expect(await stores().portfolio.putSnapshot(snap(`${year}-01-02`, 2))).toBe(true);
    expect(await stores().portfolio.putSnapshot(snap(`${year}-01-01`, 1))).toBe(true);
    expect(await stores().portfolio.putSnapshot(snap(`${year}-01-02`, 99))).toBe(false);
    expect(await stores().portfolio.putSnapshot(snap(`${year}-01-05`, 5))).toBe(true);
    expect((await stores().portfolio.getSnapshot(`${year}-01-02`))?.total.loans).toBe(2);
    expect(await stores().portfolio.getSnapshot(`${year}-01-03`)).toBeUndefined();
    const listed = await stores().portfolio.listSnapshots(`${year}-01-01`, `${year}-01-02`);
    expect(listed.map((s) => [s.date, s.total.loans])).toEqual([
      [`${year}-01-01`, 1],
      [`${year}-01-02`, 2],
    ]);
    expect(listed[0]).toEqual(snap(`${year}-01-01`, 1));
  });
}

describe.each(targets)('PortfolioStore on $name', (target) => portfolioStoreContract(target));
