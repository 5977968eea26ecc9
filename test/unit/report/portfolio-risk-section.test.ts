import { describe, expect, it } from 'vitest';
import { portfolioRisk } from '#local/report/portfolio-risk-section.ts';
import { loadRules } from '#shared/config/rules.ts';
import { buildSnapshot } from '#shared/lending/portfolio-snapshot.ts';

const rules = loadRules({ portfolio: { tier1CapitalFen: 10_000_000 } });
const counters = (outstanding: number) => ({
  loans: 1,
  outstanding,
  chargedOffLoans: 0,
  chargedOffPrincipal: 0,
  recoveries: 0,
});
const snapshot = buildSnapshot(
  {
    date: '2027-07-01',
    totals: {
      partners: { big: counters(3_000_000), small: counters(1_000_000) },
      provinces: { '44': { loans: 2, outstanding: 4_000_000 } },
      vintages: {},
    },
    pastDue: [],
  },
  rules,
);

describe('the report’s portfolio-risk row', () => {
  it('warns of each partner and province over its share of tier 1 capital, and marks only those', () => {
    const section = portfolioRisk([snapshot]);
    const concentration = section.tables.find((t) => t.title.startsWith('Concentration'));
    expect(concentration?.note).toBe(
      'WARNING: partner big holds 30.00 % (limit 25.00 %); province 44 holds 40.00 % (limit 20.00 %).',
    );
    expect(concentration?.rows.map((r) => [r[1], r[5]])).toEqual([
      ['big', 'WARNING: over the limit'],
      ['small', 'ok'],
      ['44', 'WARNING: over the limit'],
    ]);
  });

  it('says so when the run wrote no snapshot', () => {
    expect(portfolioRisk([]).missing).toContain('No portfolio snapshot');
  });
});
