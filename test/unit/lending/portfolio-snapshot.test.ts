import { describe, expect, it } from 'vitest';
import { loadRules } from '#shared/config/rules.ts';
import {
  buildSnapshot,
  type PartnerCounters,
  type PortfolioSnapshot,
  type PortfolioTotals,
  rollRateBaseDate,
} from '#shared/lending/portfolio-snapshot.ts';
import { monthsOnBook } from '#shared/lending/portfolio-tally.ts';

// A tier 1 capital small enough that the hand-built book crosses a limit: P2 holds 30 % of it.
const rules = loadRules({ portfolio: { tier1CapitalFen: 20_000 } });

const counters = (c: Partial<PartnerCounters>): PartnerCounters => ({
  loans: 0,
  outstanding: 0,
  chargedOffLoans: 0,
  chargedOffPrincipal: 0,
  recoveries: 0,
  ...c,
});

/** Six active loans: four at P1, two at P2; three of them past due at 10, 45 and 95 days. */
const totals: PortfolioTotals = {
  partners: {
    P1: counters({
      loans: 4,
      outstanding: 4_000,
      chargedOffLoans: 1,
      chargedOffPrincipal: 500,
      recoveries: 300,
    }),
    P2: counters({ loans: 2, outstanding: 6_000 }),
  },
  provinces: { '11': { loans: 3, outstanding: 4_100 }, '31': { loans: 1, outstanding: 1_000 } },
  vintages: { '2030-01': { booked: 4, delinquentByMob: { 1: 1, 2: 1 } } },
};
const pastDue = [
  { partnerId: 'P1', dpd: 10, outstanding: 1_000 },
  { partnerId: 'P1', dpd: 45, outstanding: 1_000 },
  { partnerId: 'P2', dpd: 95, outstanding: 3_000 },
];
const bucketsOf = (loans: Record<string, number>) => ({
  total: {
    buckets: Object.fromEntries(
      ['current', 'M1', 'M2', 'M3', 'M3+'].map((b) => [b, { loans: loans[b] ?? 0, outstanding: 0 }]),
    ),
  },
});
/** 30 days before: ten loans current, two in M1, none in M2, one in M3. */
const earlier = bucketsOf({ current: 10, M1: 2, M3: 1 }) as unknown as PortfolioSnapshot;
const yesterday = {
  total: { chargedOff: { loans: 0, outstanding: 0 }, recoveries: 100 },
} as unknown as PortfolioSnapshot;

/** The book's snapshot, built in each test that reads it (a snapshot built while the file loads is not its test's). */
const snapshotOfTheBook = () =>
  buildSnapshot({ date: '2030-04-15', totals, pastDue, earlier, yesterday }, rules);

describe('the portfolio snapshot of a hand-built book', () => {
  it('counts the current bucket as the book less what is past due, without reading current loans', () => {
    const snapshot = snapshotOfTheBook();
    expect(snapshot.total.buckets).toEqual({
      current: { loans: 3, outstanding: 5_000 },
      M1: { loans: 1, outstanding: 1_000 },
      M2: { loans: 1, outstanding: 1_000 },
      M3: { loans: 0, outstanding: 0 },
      'M3+': { loans: 1, outstanding: 3_000 },
    });
    expect(snapshot.partners.P1?.buckets.current).toEqual({ loans: 2, outstanding: 2_000 });
    expect(snapshot.partners.P2?.buckets.current).toEqual({ loans: 1, outstanding: 3_000 });
  });

  it('gives the NPL ratio as outstanding at 90+ DPD over all outstanding, in bps', () => {
    const snapshot = snapshotOfTheBook();
    expect(snapshot.total.nplOutstanding).toBe(3_000);
    expect(snapshot.total.nplRatioBps).toBe(3_000);
    expect(snapshot.partners.P1?.nplRatioBps).toBe(0);
    expect(snapshot.partners.P2?.nplRatioBps).toBe(5_000);
  });

  it('rolls each bucket into the next: loans there today that were in the one before 30 days ago', () => {
    const snapshot = snapshotOfTheBook();
    expect(snapshot.transitions).toEqual({ 'current>M1': 1, 'M1>M2': 1, 'M3>M3+': 1 });
    expect(snapshot.rollRates).toEqual([
      { from: 'current', to: 'M1', loans: 10, rolled: 1, rateBps: 1_000 },
      { from: 'M1', to: 'M2', loans: 2, rolled: 1, rateBps: 5_000 },
      { from: 'M2', to: 'M3', loans: 0, rolled: 0, rateBps: null },
      { from: 'M3', to: 'M3+', loans: 1, rolled: 1, rateBps: 10_000 },
    ]);
  });

  it('has no roll rates without the snapshot of 30 days before', () => {
    expect(buildSnapshot({ date: '2030-04-15', totals, pastDue }, rules).rollRates).toEqual([]);
  });

  it('draws each vintage as the cumulative share ever 30+ DPD by month on book', () => {
    const snapshot = snapshotOfTheBook();
    expect(snapshot.vintages).toEqual([
      { month: '2030-01', booked: 4, delinquentBps: [0, 2_500, 5_000, 5_000] },
    ]);
  });

  it('keeps charge-offs and recoveries since the totals began, and what the day added', () => {
    const snapshot = snapshotOfTheBook();
    expect(snapshot.total.chargedOff).toEqual({ loans: 1, outstanding: 500 });
    expect(snapshot.total.recoveries).toBe(300);
    expect(snapshot.day).toEqual({ chargedOff: { loans: 1, outstanding: 500 }, recoveries: 200 });
  });

  it('warns when one partner holds more than 25 % of tier 1 capital, or one province more than 20 %', () => {
    const snapshot = snapshotOfTheBook();
    expect(snapshot.concentration.warnings).toEqual([
      { kind: 'partner', key: 'P2', outstanding: 6_000, shareBps: 3_000, limitBps: 2_500, over: true },
      { kind: 'province', key: '11', outstanding: 4_100, shareBps: 2_050, limitBps: 2_000, over: true },
    ]);
    expect(snapshot.concentration.figures.filter((f) => !f.over).map((f) => f.key)).toEqual(['P1', '31']);
  });

  it('does not warn at exactly the limit', () => {
    const atLimit = buildSnapshot(
      {
        date: '2030-04-15',
        totals: { ...totals, partners: { P1: counters({ loans: 1, outstanding: 5_000 }) } },
        pastDue: [],
      },
      rules,
    );
    expect(atLimit.concentration.figures.find((f) => f.key === 'P1')?.over).toBe(false);
  });
});

describe('the snapshot of other books', () => {
  it('lists partners by id, a partner with loans past due but no running totals among them', () => {
    const unordered = buildSnapshot(
      {
        date: '2030-04-15',
        totals: {
          ...totals,
          partners: {
            P3: counters({ loans: 1, outstanding: 100 }),
            P1: counters({ loans: 1, outstanding: 100 }),
          },
        },
        pastDue: [{ partnerId: 'P2', dpd: 5, outstanding: 0 }],
      },
      rules,
    );
    expect(Object.keys(unordered.partners)).toEqual(['P1', 'P2', 'P3']);
    expect(unordered.partners.P2?.buckets.M1).toEqual({ loans: 1, outstanding: 0 });
    expect(unordered.partners.P3?.buckets.M1).toEqual({ loans: 0, outstanding: 0 });
    expect(unordered.concentration.figures.filter((f) => f.kind === 'partner').map((f) => f.key)).toEqual([
      'P1',
      'P2',
      'P3',
    ]);
  });

  it('counts a loan as non-performing from the 90th day past due, not before', () => {
    const nonPerformingDpd = rules.delinquency.nonPerformingDpd;
    expect(nonPerformingDpd).toBe(90);
    const book = (dpd: number) =>
      buildSnapshot(
        {
          date: '2030-04-15',
          totals: { ...totals, partners: { P1: counters({ loans: 2, outstanding: 4_000 }) } },
          pastDue: [{ partnerId: 'P1', dpd, outstanding: 1_000 }],
        },
        rules,
      ).total;
    expect(book(nonPerformingDpd)).toMatchObject({ nplOutstanding: 1_000, nplRatioBps: 2_500 });
    expect(book(nonPerformingDpd - 1)).toMatchObject({ nplOutstanding: 0, nplRatioBps: 0 });
  });

  it('gives an empty book an NPL ratio of 0 and a vintage with no bookings a share of 0', () => {
    const empty = buildSnapshot(
      {
        date: '2030-02-15',
        totals: {
          partners: { P1: counters({}) },
          provinces: {},
          vintages: { '2030-01': { booked: 0, delinquentByMob: {} } },
        },
        pastDue: [],
      },
      rules,
    );
    expect(empty.total.nplRatioBps).toBe(0);
    expect(empty.partners.P1?.nplRatioBps).toBe(0);
    expect(empty.vintages).toEqual([{ month: '2030-01', booked: 0, delinquentBps: [0, 0] }]);
    expect(empty.day).toBeUndefined();
  });

  it('draws the vintages by booking month, whatever order the totals keep them in', () => {
    const vintages = {
      '2030-03': { booked: 2, delinquentByMob: {} },
      '2030-01': { booked: 4, delinquentByMob: { 1: 1 } },
    };
    const book = buildSnapshot({ date: '2030-04-15', totals: { ...totals, vintages }, pastDue }, rules);
    expect(book.vintages.map((v) => v.month)).toEqual(['2030-01', '2030-03']);
  });

  it('gives what the day charged off and recovered as the totals less yesterday’s', () => {
    const yesterdayWithChargeOffs = {
      total: { chargedOff: { loans: 1, outstanding: 200 }, recoveries: 100 },
    } as unknown as PortfolioSnapshot;
    const book = buildSnapshot(
      { date: '2030-04-15', totals, pastDue, earlier, yesterday: yesterdayWithChargeOffs },
      rules,
    );
    expect(book.day).toEqual({ chargedOff: { loans: 0, outstanding: 300 }, recoveries: 200 });
  });

  it('compares roll rates with the snapshot of 30 days before', () => {
    expect(rollRateBaseDate('2030-04-15', rules)).toBe('2030-03-16');
  });
});

describe('months on book', () => {
  it('counts whole months from disbursement, the month-end clamped', () => {
    expect(monthsOnBook('2030-01-31', '2030-02-27')).toBe(0);
    expect(monthsOnBook('2030-01-31', '2030-02-28')).toBe(1);
    expect(monthsOnBook('2030-01-15', '2030-04-15')).toBe(3);
  });
});
