import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { allInAprAtMost, allInAprBps, aprCapBps } from '#shared/lending/apr.ts';
import { addMonthsClamped, daysInMonth, parseLocalDate } from '#shared/lending/calendar.ts';
import { buildSchedule, InvalidLoanTermsError } from '#shared/lending/schedule.ts';
import type { LoanTerms, RepaymentMethod } from '#shared/lending/types.ts';

/** Dates with plenty of month ends, where the month-end rule bites. */
const disbursementDate = fc
  .record({
    year: fc.integer({ min: 2024, max: 2032 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constant(31), fc.constant(30), fc.constant(29)),
  })
  .map(({ year, month, day }) => {
    const d = Math.min(day, daysInMonth(year, month));
    return `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  });

const terms: fc.Arbitrary<LoanTerms> = fc
  .record({
    principal: fc.integer({ min: 1, max: 20_000_000 }),
    aprBps: fc.integer({ min: 0, max: 2400 }),
    method: fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal', 'bullet'),
    term: fc.integer({ min: 1, max: 24 }),
    disbursedOn: disbursementDate,
  })
  .map(({ principal, aprBps, method, term, disbursedOn }) => ({
    principal,
    aprBps,
    repaymentMethod: method,
    termMonths: method === 'bullet' ? ((term - 1) % 12) + 1 : term,
    disbursedOn,
  }));

describe('buildSchedule', () => {
  it('repays exactly the principal, in whole non-negative fen', () => {
    fc.assert(
      fc.property(terms, (t) => {
        const s = buildSchedule(t, defaultRules);
        expect(s.reduce((sum, i) => sum + i.principalDue, 0)).toBe(t.principal);
        for (const i of s) {
          for (const v of [i.principalDue, i.interestDue, i.feeDue, i.amountDue]) {
            expect(Number.isSafeInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
          expect(i.amountDue).toBe(i.principalDue + i.interestDue + i.feeDue);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives equal-installment amounts that differ only in the last installment', () => {
    fc.assert(
      fc.property(
        terms.filter((t) => t.repaymentMethod === 'equal_installment' && t.principal >= 1000),
        (t) => {
          const amounts = buildSchedule(t, defaultRules).map((i) => i.amountDue);
          expect(new Set(amounts.slice(0, -1)).size).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the disbursement day of month, or the month end where the month is shorter', () => {
    fc.assert(
      fc.property(terms, (t) => {
        const s = buildSchedule(t, defaultRules);
        const start = parseLocalDate(t.disbursedOn);
        const months = t.repaymentMethod === 'bullet' ? [t.termMonths] : s.map((i) => i.installmentNo);
        s.forEach((inst, idx) => {
          const due = parseLocalDate(inst.dueDate);
          const monthIndex = start.year * 12 + start.month - 1 + (months[idx] ?? 0);
          expect(due.year * 12 + due.month - 1).toBe(monthIndex);
          expect(due.day).toBe(Math.min(start.day, daysInMonth(due.year, due.month)));
        });
        for (let i = 1; i < s.length; i++)
          expect((s[i]?.dueDate ?? '') > (s[i - 1]?.dueDate ?? '')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('dates a loan disbursed on 2028-01-31 to 2028-02-29, 2028-03-31 and 2028-04-30', () => {
    const s = buildSchedule(
      {
        principal: 300_000,
        aprBps: 1800,
        termMonths: 3,
        repaymentMethod: 'equal_installment',
        disbursedOn: '2028-01-31',
      },
      defaultRules,
    );
    expect(s.map((i) => i.dueDate)).toEqual(['2028-02-29', '2028-03-31', '2028-04-30']);
    expect(addMonthsClamped('2027-01-31', 1)).toBe('2027-02-28');
  });

  it('computes the annuity by hand: ¥3,000 at 18% over 3 months', () => {
    // r = 1.5% a month; 1.015³ = 1.045678375; payment = 300000 × 0.015 × 1.045678375 / 0.045678375
    // = 103 015.03… → 103 015 fen. Month 1: interest 4 500, principal 98 515; month 2: interest
    // round(201 485 × 0.015 = 3 022.275) = 3 022, principal 99 993; month 3: the remaining 101 492
    // principal plus interest round(1 522.38) = 1 522 → 103 014.
    const s = buildSchedule(
      {
        principal: 300_000,
        aprBps: 1800,
        termMonths: 3,
        repaymentMethod: 'equal_installment',
        disbursedOn: '2027-05-10',
      },
      defaultRules,
    );
    expect(s.map((i) => [i.principalDue, i.interestDue, i.amountDue])).toEqual([
      [98_515, 4_500, 103_015],
      [99_993, 3_022, 103_015],
      [101_492, 1_522, 103_014],
    ]);
  });

  it('charges equal-principal interest on the falling balance', () => {
    const s = buildSchedule(
      {
        principal: 200_000,
        aprBps: 1400,
        termMonths: 2,
        repaymentMethod: 'equal_principal',
        disbursedOn: '2027-05-31',
      },
      defaultRules,
    );
    expect(s.map((i) => [i.dueDate, i.principalDue, i.interestDue])).toEqual([
      ['2027-06-30', 100_000, 2_333],
      ['2027-07-31', 100_000, 1_167],
    ]);
  });

  it('puts a bullet loan in one installment at maturity', () => {
    const s = buildSchedule(
      {
        principal: 100_000,
        aprBps: 2000,
        termMonths: 1,
        repaymentMethod: 'bullet',
        disbursedOn: '2027-05-20',
      },
      defaultRules,
    );
    expect(s).toEqual([
      {
        installmentNo: 1,
        dueDate: '2027-06-20',
        principalDue: 100_000,
        interestDue: 1_667,
        feeDue: 0,
        amountDue: 101_667,
      },
    ]);
  });

  it('refuses terms outside the rules with a named error', () => {
    const base = { principal: 1000, aprBps: 1000, disbursedOn: '2027-01-01' };
    expect(() =>
      buildSchedule({ ...base, termMonths: 25, repaymentMethod: 'equal_installment' }, defaultRules),
    ).toThrow(InvalidLoanTermsError);
    expect(() => buildSchedule({ ...base, termMonths: 13, repaymentMethod: 'bullet' }, defaultRules)).toThrow(
      /1–12/,
    );
    expect(() =>
      buildSchedule({ ...base, principal: 10.5, termMonths: 3, repaymentMethod: 'bullet' }, defaultRules),
    ).toThrow(/principal/);
  });
  it('names each term it refuses, and its error class', () => {
    const ok: LoanTerms = {
      principal: 100_000,
      aprBps: 1000,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-01-01',
    };
    expect(() => buildSchedule(ok, defaultRules)).not.toThrow();
    const refused: [Partial<LoanTerms>, RegExp][] = [
      [{ principal: 0 }, /^principal must be a positive whole number of fen$/],
      [{ aprBps: -1 }, /^aprBps must be a non-negative integer$/],
      [{ aprBps: 10.5 }, /^aprBps must be a non-negative integer$/],
      [{ termMonths: 0 }, /^termMonths must be 1–24 for equal_installment$/],
      [{ termMonths: 2.5 }, /^termMonths must be 1–24/],
      [{ disbursedOn: '2027-02-30' }, /^disbursedOn must be a calendar date$/],
      [{ feePerInstallment: -1 }, /^feePerInstallment must be a non-negative whole number of fen$/],
      [{ feePerInstallment: 0.5 }, /^feePerInstallment must be/],
    ];
    for (const [change, message] of refused) {
      let error: unknown;
      try {
        buildSchedule({ ...ok, ...change }, defaultRules);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(change)).toBeInstanceOf(InvalidLoanTermsError);
      expect((error as Error).name).toBe('InvalidLoanTermsError');
      expect((error as Error).message, JSON.stringify(change)).toMatch(message);
    }
    // Every problem is named at once.
    expect(() => buildSchedule({ ...ok, principal: -5, aprBps: -5 }, defaultRules)).toThrow(
      'principal must be a positive whole number of fen; aprBps must be a non-negative integer',
    );
  });
  it('refuses interest too large for a whole number of fen, and says it is the interest', () => {
    expect(() =>
      buildSchedule(
        {
          principal: Number.MAX_SAFE_INTEGER,
          aprBps: 200_000,
          termMonths: 12,
          repaymentMethod: 'bullet',
          disbursedOn: '2027-01-01',
        },
        defaultRules,
      ),
    ).toThrow(/^interest must be a whole number of fen/);
  });

  it('builds the schedule of a loan disbursed before any LPR in the table, with no cap to round for', () => {
    const lpr = loadRules({ rateCap: { mode: 'lpr4x' } });
    const t: LoanTerms = {
      principal: 300_000,
      aprBps: 1800,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2020-01-15',
    };
    expect(buildSchedule(t, lpr)).toEqual(buildSchedule(t, defaultRules));
  });

  it('rounds half up as usual a loan priced over the cap (booked as given): rounding down cannot bring it under', () => {
    const t: LoanTerms = {
      principal: 300_000,
      aprBps: 3000,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-01-15',
    };
    const noCap = buildSchedule(t, loadRules({ rateCap: { mode: 'fixed', aprCapBps: 100_000 } }));
    expect(buildSchedule(t, defaultRules)).toEqual(noCap);
    // Rounding down would change it: the third month's interest rounds half up to 2,562, down to 2,561.
    expect(noCap.map((i) => i.interestDue)).toEqual([7_500, 5_061, 2_562]);
  });

  it('keeps a loan with a fee within the cap where rounding interest half up would carry it over', () => {
    // ¥3,000 at 23.41 % with ¥1 a month over 3 months: half-up interest puts the all-in APR over 24 %.
    const t: LoanTerms = {
      principal: 300_000,
      aprBps: 2341,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-01-15',
      feePerInstallment: 100,
    };
    const halfUp = buildSchedule(t, loadRules({ rateCap: { mode: 'fixed', aprCapBps: 100_000 } }));
    expect(allInAprAtMost(t.principal, halfUp, t.disbursedOn, 2400)).toBe(false);
    expect(allInAprAtMost(t.principal, buildSchedule(t, defaultRules), t.disbursedOn, 2400)).toBe(true);
  });
});

describe('all-in APR of a schedule', () => {
  it('is 0 for no payments, and for payments that add up to no more than was disbursed', () => {
    expect(allInAprBps(100_000, [], '2027-01-01')).toBe(0);
    expect(allInAprAtMost(100_000, [], '2027-01-01', 0)).toBe(true);
    const underpaid = [
      { dueDate: '2027-02-01', amountDue: 50_000 },
      { dueDate: '2027-03-01', amountDue: 50_000 },
    ];
    expect(allInAprBps(100_000, underpaid, '2027-01-01')).toBe(0);
    expect(allInAprBps(100_000, [{ dueDate: '2027-02-01', amountDue: 100_100 }], '2027-01-01')).toBe(120);
  });

  it('equals the contract APR (to the basis point) for amortising loans and never exceeds it for bullets', () => {
    fc.assert(
      fc.property(
        terms.filter((t) => t.principal >= 100_000),
        (t) => {
          const s = buildSchedule(t, defaultRules);
          const apr = allInAprBps(t.principal, s, t.disbursedOn);
          if (t.repaymentMethod === 'bullet') expect(apr).toBeLessThanOrEqual(t.aprBps + 1);
          else expect(Math.abs(apr - t.aprBps)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never exceeds the cap for a loan priced at the cap, fixed or 4×LPR, whatever the amount and term', () => {
    // At the cap, half-up rounding alone carries about half of these schedules over it (README, "Rounding
    // at the cap"); the schedule rounds their interest down instead. Judged exactly, not to the bps.
    const lpr = loadRules({ rateCap: { mode: 'lpr4x' } });
    let roundedDown = 0;
    fc.assert(
      fc.property(
        terms.filter((t) => t.disbursedOn >= '2025-05-20'),
        fc.boolean(),
        (t, useLpr) => {
          const rules = useLpr ? lpr : defaultRules;
          const cap = aprCapBps(t.disbursedOn, rules);
          const s = buildSchedule({ ...t, aprBps: cap }, rules);
          expect(allInAprAtMost(t.principal, s, t.disbursedOn, cap)).toBe(true);
          // The first month's interest is principal × cap / 12 (× the months, for a bullet), to the fen.
          const months = t.repaymentMethod === 'bullet' ? t.termMonths : 1;
          const exact = (t.principal * cap * months) / 120_000;
          const first = s[0]?.interestDue ?? -1;
          expect([Math.floor(exact), Math.round(exact)]).toContain(first);
          if (first < Math.round(exact)) roundedDown++;
        },
      ),
      { numRuns: 500 },
    );
    // The generator reaches the case the rounding exists for.
    expect(roundedDown).toBeGreaterThan(50);
  });

  it('counts fees: ¥10 a month on ¥1,000 over 12 months adds well over 10 points of APR', () => {
    const t: LoanTerms = {
      principal: 100_000,
      aprBps: 1000,
      termMonths: 12,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-01-15',
      feePerInstallment: 1_000,
    };
    expect(allInAprBps(t.principal, buildSchedule(t, defaultRules), t.disbursedOn)).toBeGreaterThan(3000);
  });
});
