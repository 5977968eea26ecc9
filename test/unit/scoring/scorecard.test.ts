import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import { type CreditInput, decideCredit } from '#shared/scoring/decide.ts';
import { checkGates, dtiBps } from '#shared/scoring/gates.ts';
import {
  adverseReasons,
  gradeOf,
  oddsAtScore,
  pointsFor,
  type ScorecardInput,
  scorecard,
} from '#shared/scoring/scorecard.ts';

const good: CreditInput = {
  ageYears: 33,
  employmentStatus: 'employed',
  monthsInCurrentJob: 28,
  monthlyIncome: 1_200_000,
  monthlyDebtPayments: 150_000,
  activeLoansOtherLenders: 1,
  inquiriesLast90Days: 2,
  worstDpdLast12Months: 0,
  creditHistoryMonths: 52,
  request: { amount: 800_000, termMonths: 6, repaymentMethod: 'equal_installment' },
  overdueExisting: false,
  hardshipActive: false,
  today: '2027-07-01',
};

const features = (over: Partial<ScorecardInput> = {}): ScorecardInput => ({ ...good, dtiBps: 2500, ...over });

describe('configuration', () => {
  it('names the characteristic whose points are missing from the configuration', () => {
    const { inquiriesLast90Days: _, ...points } = defaultRules.scoring.points;
    const rules = { ...defaultRules, scoring: { ...defaultRules.scoring, points } };
    expect(() => scorecard(features(), rules)).toThrow(
      'scoring.points.inquiriesLast90Days is missing from the configuration',
    );
  });
});

describe('scaling', () => {
  it('puts 600 points at 50:1 odds and doubles the odds every 20 points', () => {
    expect(oddsAtScore(600, defaultRules)).toBe(50);
    expect(oddsAtScore(620, defaultRules)).toBeCloseTo(100, 9);
    expect(oddsAtScore(580, defaultRules)).toBeCloseTo(25, 9);
  });

  it('grades at the boundaries of the default grade table', () => {
    expect([680, 679, 640, 639, 600, 599, 560, 559].map((s) => gradeOf(s, defaultRules))).toEqual([
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
      'E',
    ]);
  });

  it('grades by the highest minimum a score reaches, in whatever order the grade table is written', () => {
    const ascending = loadRules({
      scoring: {
        grades: [
          { grade: 'D', minScore: 560 },
          { grade: 'C', minScore: 600 },
          { grade: 'B', minScore: 640 },
          { grade: 'A', minScore: 680 },
        ],
      },
    });
    expect([700, 650, 610, 570, 500].map((s) => gradeOf(s, ascending))).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('scores a value past a table with no open last bin as that last bin', () => {
    const closed = [
      { upTo: 10, points: 5 },
      { upTo: 20, points: 7 },
    ];
    expect(pointsFor(closed, 10)).toBe(5);
    expect(pointsFor(closed, 11)).toBe(7);
    expect(pointsFor(closed, 99)).toBe(7);
  });
});

describe('monotonicity', () => {
  const base = fc.record({
    monthsInCurrentJob: fc.integer({ min: 0, max: 600 }),
    monthlyIncome: fc.integer({ min: 0, max: 10_000_000 }),
    dtiBps: fc.integer({ min: 0, max: 20_000 }),
    worstDpdLast12Months: fc.integer({ min: 0, max: 400 }),
    inquiriesLast90Days: fc.integer({ min: 0, max: 30 }),
    activeLoansOtherLenders: fc.integer({ min: 0, max: 20 }),
    creditHistoryMonths: fc.integer({ min: 0, max: 600 }),
    ageYears: fc.integer({ min: 18, max: 65 }),
  });
  const worse = ['worstDpdLast12Months', 'inquiriesLast90Days', 'activeLoansOtherLenders', 'dtiBps'] as const;

  for (const field of worse) {
    it(`never raises the score when ${field} grows`, () => {
      fc.assert(
        fc.property(base, fc.integer({ min: 0, max: 1000 }), (b, more) => {
          const before = scorecard(features(b), defaultRules).score;
          const after = scorecard(features({ ...b, [field]: b[field] + more }), defaultRules).score;
          expect(after).toBeLessThanOrEqual(before);
        }),
      );
    });
  }
});

describe('reasons', () => {
  it('orders adverse reasons by the points they cost, most first', () => {
    const card = scorecard(
      features({ worstDpdLast12Months: 60, inquiriesLast90Days: 4, creditHistoryMonths: 40 }),
      defaultRules,
    );
    const codes = adverseReasons(card);
    const shortfall = (code: string) => card.lines.find((l) => l.reason === code)?.shortfall ?? 0;
    expect(codes[0]).toBe('DELINQUENCY_HISTORY');
    for (let i = 1; i < codes.length; i++) {
      expect(shortfall(codes[i - 1] as string)).toBeGreaterThanOrEqual(shortfall(codes[i] as string));
    }
  });
});

describe('adverse reasons', () => {
  it('leaves out what cost no points, and keeps the scorecard order between equal costs', () => {
    const card = {
      score: 600,
      lines: [
        { reason: 'AGE_BAND', points: 10, shortfall: 0 },
        { reason: 'INQUIRIES', points: 0, shortfall: 5 },
        { reason: 'INCOME', points: 0, shortfall: 20 },
        { reason: 'CREDIT_HISTORY', points: 0, shortfall: 5 },
      ],
    } as const;
    expect(adverseReasons({ score: card.score, lines: [...card.lines] })).toEqual([
      'INCOME',
      'INQUIRIES',
      'CREDIT_HISTORY',
    ]);
  });
});

describe('debt-to-income', () => {
  it('is debt payments over income in basis points, rounded up only when not exact', () => {
    expect(dtiBps(100_000, 50_000, 300_000)).toBe(5000);
    expect(dtiBps(1, 0, 3)).toBe(3334);
    expect(dtiBps(0, 0, 300_000)).toBe(0);
    expect(dtiBps(1, 0, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('declines DTI above the limit and lets the limit itself through', () => {
    const limit = defaultRules.scoring.maxDtiBps;
    const gateInput = { ...features({ dtiBps: limit }), overdueExisting: false, hardshipActive: false };
    expect(checkGates(gateInput, defaultRules).declines).toEqual([]);
    expect(checkGates({ ...gateInput, dtiBps: limit + 1 }, defaultRules).declines).toEqual(['DTI']);
  });
});

describe('hard gates', () => {
  const cases: [string, Partial<CreditInput>][] = [
    ['OVERDUE_EXISTING', { overdueExisting: true }],
    ['AGE', { ageYears: 17 }],
    ['AGE', { ageYears: 66 }],
    ['MULTI_LENDING', { activeLoansOtherLenders: 5 }],
    ['INQUIRY_VELOCITY', { inquiriesLast90Days: 8 }],
    ['DTI', { monthlyDebtPayments: 600_000 }],
    ['SEVERE_DELINQUENCY', { worstDpdLast12Months: 90 }],
    ['NO_INCOME', { monthlyIncome: 0, employmentStatus: 'unemployed' }],
  ];
  for (const [code, change] of cases) {
    it(`declines with ${code} first for ${JSON.stringify(change)}`, () => {
      const d = decideCredit({ ...good, ...change }, defaultRules);
      expect(d.decision).toBe('decline');
      expect(d.reasonCodes[0]).toBe(code);
      expect(d.offer).toBeNull();
    });
  }

  it('lets the limits themselves through: 4 loans elsewhere, 7 inquiries, 89 DPD, ages 18 and 65', () => {
    const gateCodes = ['MULTI_LENDING', 'INQUIRY_VELOCITY', 'SEVERE_DELINQUENCY', 'AGE'];
    for (const change of [
      { activeLoansOtherLenders: 4 },
      { inquiriesLast90Days: 7 },
      { worstDpdLast12Months: 89 },
      { ageYears: 18 },
      { ageYears: 65 },
    ]) {
      // The sample applicant at each limit is still approved: no gate fires, and no gate code appears.
      const d = decideCredit({ ...good, ...change }, defaultRules);
      expect(d.decision, JSON.stringify(change)).toBe('approve');
      for (const code of gateCodes) expect(d.reasonCodes, JSON.stringify(change)).not.toContain(code);
    }
  });

  it('refers an applicant with an active hardship plan', () => {
    const d = decideCredit({ ...good, hardshipActive: true }, defaultRules);
    expect(d.decision).toBe('refer');
    expect(d.reasonCodes[0]).toBe('HARDSHIP_ACTIVE');
  });

  it('puts the overdue gate first even when other gates also fail', () => {
    const d = decideCredit({ ...good, overdueExisting: true, inquiriesLast90Days: 9 }, defaultRules);
    expect(d.reasonCodes.slice(0, 2)).toEqual(['OVERDUE_EXISTING', 'INQUIRY_VELOCITY']);
  });
});

describe('pricing', () => {
  it('approves the sample applicant at grade A with an offer priced at the grade rate', () => {
    const d = decideCredit(good, defaultRules);
    expect(d.decision).toBe('approve');
    expect(d.grade).toBe('A');
    expect(d.offer).toMatchObject({ amount: 800_000, termMonths: 6, aprBps: 1000 });
    expect(d.offer?.totalRepayable).toBeGreaterThan(800_000);
  });

  it('caps the offer at 6 × monthly income and says so', () => {
    // ¥1,500 a month asks for ¥12,000 over 24 months: 6 × income is ¥9,000, and the DTI of that passes.
    const d = decideCredit(
      {
        ...good,
        monthlyIncome: 150_000,
        monthlyDebtPayments: 0,
        request: { amount: 1_200_000, termMonths: 24, repaymentMethod: 'equal_installment' },
      },
      defaultRules,
    );
    expect(d.decision).toBe('approve');
    expect(d.offer).toMatchObject({ amount: 900_000, termMonths: 24 });
    expect(d.reasonCodes).toEqual(['AMOUNT_REDUCED']);
  });

  it('caps the offer at ¥200,000 whatever the income, and says so', () => {
    const d = decideCredit(
      {
        ...good,
        monthlyIncome: 5_000_000,
        monthlyDebtPayments: 0,
        request: { amount: 30_000_000, termMonths: 24, repaymentMethod: 'equal_installment' },
      },
      defaultRules,
    );
    expect(d.decision).toBe('approve');
    expect(d.offer?.amount).toBe(20_000_000);
    expect(d.reasonCodes).toEqual(['AMOUNT_REDUCED']);
  });

  it('offers the request in full without AMOUNT_REDUCED when it is within both caps', () => {
    // 6 × ¥1,500 = ¥9,000 exactly: the request equals the income cap.
    const d = decideCredit(
      {
        ...good,
        monthlyIncome: 150_000,
        monthlyDebtPayments: 0,
        request: { amount: 900_000, termMonths: 24, repaymentMethod: 'equal_installment' },
      },
      defaultRules,
    );
    expect(d.decision).toBe('approve');
    expect(d.offer?.amount).toBe(900_000);
    expect(d.reasonCodes).toEqual([]);
  });

  it('declines with AMOUNT_LIMIT when income supports less than the ¥500 minimum', () => {
    // 6 × ¥83.33 = ¥499.98 is under the ¥500 minimum and declines; 6 × ¥83.34 = ¥500.04 is offered.
    const small = (monthlyIncome: number) =>
      decideCredit(
        {
          ...good,
          monthlyIncome,
          monthlyDebtPayments: 0,
          request: { amount: 100_000, termMonths: 24, repaymentMethod: 'equal_installment' },
        },
        defaultRules,
      );
    const below = small(8_333);
    expect(below.decision).toBe('decline');
    expect(below.reasonCodes[0]).toBe('AMOUNT_LIMIT');
    expect(below.offer).toBeNull();
    const at = small(8_334);
    expect(at.decision).toBe('approve');
    expect(at.offer?.amount).toBe(50_004);
    expect(at.reasonCodes).toEqual(['AMOUNT_REDUCED']);
  });

  it('declines RATE_CAP a grade configured to approve that has no price', () => {
    const approvesD = loadRules({
      scoring: { gradeDecision: { A: 'approve', B: 'approve', C: 'approve', D: 'approve', E: 'decline' } },
    });
    const thin = { worstDpdLast12Months: 40, inquiriesLast90Days: 4, creditHistoryMonths: 3 };
    const d = decideCredit({ ...good, ...thin }, approvesD);
    expect([d.grade, d.decision, d.reasonCodes[0], d.offer]).toEqual(['D', 'decline', 'RATE_CAP', null]);
  });

  it('refers grade D and declines grade E with the adverse reasons, and offers neither', () => {
    const thin = { worstDpdLast12Months: 40, inquiriesLast90Days: 4, creditHistoryMonths: 3 };
    const d = decideCredit({ ...good, ...thin }, defaultRules);
    expect([d.grade, d.decision, d.score]).toEqual(['D', 'refer', 585]);
    expect(d.reasonCodes).toEqual([
      'DELINQUENCY_HISTORY',
      'CREDIT_HISTORY',
      'INQUIRIES',
      'OTHER_LENDER_LOANS',
    ]);
    expect(d.offer).toBeNull();
    const e = decideCredit({ ...good, ...thin, activeLoansOtherLenders: 4 }, defaultRules);
    expect([e.grade, e.decision, e.score]).toEqual(['E', 'decline', 555]);
    expect(e.reasonCodes).toEqual([
      'DELINQUENCY_HISTORY',
      'OTHER_LENDER_LOANS',
      'CREDIT_HISTORY',
      'INQUIRIES',
    ]);
    expect(e.offer).toBeNull();
  });

  describe('judges DTI at the largest installment of the dearest approving price, bounded by the cap', () => {
    // ¥10,000 a month: DTI is (debt + installment) / 100 in basis points, so 550,000 fen is the limit.
    const income = 1_000_000;
    const limitFen = (defaultRules.scoring.maxDtiBps * income) / 10_000;
    const largest = (aprBps: number, repaymentMethod: CreditInput['request']['repaymentMethod']) =>
      Math.max(
        ...buildSchedule(
          { principal: 800_000, aprBps, termMonths: 6, repaymentMethod, disbursedOn: good.today },
          defaultRules,
        ).map((i) => i.amountDue),
      );
    const decideWith = (
      debt: number,
      repaymentMethod: CreditInput['request']['repaymentMethod'],
      rules = defaultRules,
    ) =>
      decideCredit(
        {
          ...good,
          monthlyIncome: income,
          monthlyDebtPayments: debt,
          request: { amount: 800_000, termMonths: 6, repaymentMethod },
        },
        rules,
      );

    it.each(['equal_installment', 'equal_principal', 'bullet'] as const)(
      '%s: approves at the limit with grade C pricing, declines DTI one fen over',
      (method) => {
        const dearest = Math.max(...Object.values(defaultRules.scoring.gradeAprBps));
        const atLimit = limitFen - largest(dearest, method);
        expect(decideWith(atLimit, method).decision).toBe('approve');
        const over = decideWith(atLimit + 1, method);
        expect([over.decision, over.reasonCodes[0]]).toEqual(['decline', 'DTI']);
      },
    );

    it('prices the DTI installment at the cap when the cap is below every grade price', () => {
      const lpr = loadRules({ rateCap: { mode: 'lpr4x' } });
      const cap = 1200; // 4 × the 3.00 % LPR in force
      const atLimit = limitFen - largest(cap, 'equal_installment');
      expect(decideWith(atLimit + 1, 'equal_installment', lpr).reasonCodes[0]).toBe('DTI');
      expect(decideWith(atLimit, 'equal_installment', lpr).reasonCodes).not.toContain('DTI');
    });
  });

  it('declines with RATE_CAP when the grade rate is above a 4×LPR cap', () => {
    const rules = loadRules({ rateCap: { mode: 'lpr4x' } });
    const d = decideCredit({ ...good, worstDpdLast12Months: 20, inquiriesLast90Days: 4 }, rules);
    expect(d.grade).not.toBe('A');
    expect(d.decision).toBe('decline');
    expect(d.reasonCodes[0]).toBe('RATE_CAP');
  });

  it('names RATE_CAP before AMOUNT_LIMIT: a grade priced over the cap is declined for its price first', () => {
    const rules = loadRules({ rateCap: { mode: 'lpr4x' } });
    const small = {
      ...good,
      worstDpdLast12Months: 20,
      inquiriesLast90Days: 4,
      monthlyIncome: 8_000, // 6 × income is under the ¥500 minimum offer
      monthlyDebtPayments: 0,
      request: { amount: 100_000, termMonths: 24, repaymentMethod: 'equal_installment' as const },
    };
    const d = decideCredit(small, rules);
    expect([d.grade, d.decision, d.reasonCodes[0]]).toEqual(['C', 'decline', 'RATE_CAP']);
    expect(decideCredit(small, defaultRules).reasonCodes[0]).toBe('AMOUNT_LIMIT'); // priced within 24 %
  });

  it('never offers above the cap, for any applicant, fixed or 4×LPR', () => {
    const lpr = loadRules({ rateCap: { mode: 'lpr4x' } });
    fc.assert(
      fc.property(
        fc.record({
          monthlyIncome: fc.integer({ min: 0, max: 5_000_000 }),
          monthlyDebtPayments: fc.integer({ min: 0, max: 1_000_000 }),
          inquiriesLast90Days: fc.integer({ min: 0, max: 10 }),
          creditHistoryMonths: fc.integer({ min: 0, max: 200 }),
          amount: fc.integer({ min: 1, max: 30_000_000 }),
          termMonths: fc.integer({ min: 1, max: 12 }),
          repaymentMethod: fc.constantFrom('equal_installment', 'equal_principal', 'bullet' as const),
        }),
        fc.boolean(),
        (v, useLpr) => {
          const rules = useLpr ? lpr : defaultRules;
          const cap = useLpr ? 1200 : 2400;
          const d = decideCredit(
            {
              ...good,
              ...v,
              request: { amount: v.amount, termMonths: v.termMonths, repaymentMethod: v.repaymentMethod },
            },
            rules,
          );
          if (d.offer) {
            expect(d.offer.aprBps).toBeLessThanOrEqual(cap);
            expect(d.offer.amount).toBeLessThanOrEqual(v.amount);
            expect(Number.isSafeInteger(d.offer.totalRepayable)).toBe(true);
          }
          expect(d.reasonCodes.length).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 300 },
    );
  });
});
