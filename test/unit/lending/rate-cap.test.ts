import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules, type Rules } from '#shared/config/rules.ts';
import { allInAprBps, aprCapBps } from '#shared/lending/apr.ts';
import { addMonthsClamped, daysInMonth } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { LoanTerms, RepaymentMethod, ScheduledInstallment } from '#shared/lending/types.ts';
import { type CreditInput, decideCredit } from '#shared/scoring/decide.ts';

/**
 * The judge: 12 × the monthly internal rate of return of the borrower's cash flows, in basis points,
 * found by bisection in floating point (a test may use floats; the code under test does not). A
 * payment falls in the month its due date is in, counted from the disbursement month.
 */
function irrAprBps(
  principal: number,
  schedule: readonly ScheduledInstallment[],
  disbursedOn: string,
): number {
  const [y0, m0] = disbursedOn.split('-').map(Number) as [number, number];
  const flows = schedule.map((i) => {
    const [y, m] = i.dueDate.split('-').map(Number) as [number, number];
    return { k: (y - y0) * 12 + (m - m0), amount: i.amountDue };
  });
  const presentValue = (monthly: number) =>
    flows.reduce((sum, f) => sum + f.amount / (1 + monthly) ** f.k, 0);
  if (presentValue(0) <= principal) return 0;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 200 && high - low > 1e-18; i++) {
    const mid = (low + high) / 2;
    if (presentValue(mid) > principal) low = mid;
    else high = mid;
  }
  return high * 12 * 10_000;
}

/** Float noise of the judge; the excess half-up rounding gave at ¥8,000 was 0.008 bps, 10^6 times more. */
const JUDGE_TOLERANCE_BPS = 1e-8;

const disbursementDate = fc
  .record({
    year: fc.integer({ min: 2024, max: 2032 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(28, 29, 30, 31)),
  })
  .map(({ year, month, day }) => {
    const d = Math.min(day, daysInMonth(year, month));
    return `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  });

const method = fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal', 'bullet');
const amount = fc.oneof(
  fc.integer({ min: 1, max: 200_000 }),
  fc.integer({ min: 50_000, max: 2_000_000 }),
  fc.integer({ min: 1, max: 20_000_000 }),
);

/** Fixed 24 % and 4 × LPR (12.00–13.80 % over the table's dates). */
const capRules: Record<'fixed' | 'lpr4x', Rules> = {
  fixed: defaultRules,
  lpr4x: loadRules({ rateCap: { mode: 'lpr4x' } }),
};

const termsNearCap = (below: number) =>
  fc
    .record({
      capMode: fc.constantFrom<'fixed' | 'lpr4x'>('fixed', 'lpr4x'),
      principal: amount,
      method,
      term: fc.integer({ min: 1, max: 24 }),
      disbursedOn: disbursementDate,
      below: fc.integer({ min: 0, max: below }),
    })
    .map(({ capMode, principal, method, term, disbursedOn, below }) => {
      const cap = aprCapBps(disbursedOn, capRules[capMode]);
      const terms: LoanTerms = {
        principal,
        aprBps: Math.max(0, cap - below),
        repaymentMethod: method,
        termMonths: method === 'bullet' ? ((term - 1) % 12) + 1 : term,
        disbursedOn,
      };
      return { capMode, cap, terms };
    });

describe('a loan priced at the cap', () => {
  it('has cash flows whose IRR never exceeds the cap, over amounts, terms, methods and both cap modes', () => {
    let roundedDown = 0;
    fc.assert(
      fc.property(termsNearCap(0), ({ capMode, cap, terms }) => {
        const schedule = buildSchedule(terms, capRules[capMode]);
        expect(schedule.reduce((sum, i) => sum + i.principalDue, 0)).toBe(terms.principal);
        expect(irrAprBps(terms.principal, schedule, terms.disbursedOn)).toBeLessThanOrEqual(
          cap + JUDGE_TOLERANCE_BPS,
        );
        expect(allInAprBps(terms.principal, schedule, terms.disbursedOn)).toBeLessThanOrEqual(cap);
        const halfUp = halfUpInterest(terms, schedule);
        if (schedule.some((i, k) => i.interestDue < (halfUp[k] ?? 0))) roundedDown += 1;
      }),
      { numRuns: 2000, seed: 2401 },
    );
    // About half the loans at the cap need their interest rounded down; the rest keep half up.
    expect(roundedDown).toBeGreaterThan(400);
    expect(roundedDown).toBeLessThan(1600);
  });

  it('and a loan priced just under it (up to 30 bps) never exceeds the cap either', () => {
    fc.assert(
      fc.property(termsNearCap(30), ({ capMode, cap, terms }) => {
        const schedule = buildSchedule(terms, capRules[capMode]);
        expect(irrAprBps(terms.principal, schedule, terms.disbursedOn)).toBeLessThanOrEqual(
          cap + JUDGE_TOLERANCE_BPS,
        );
        expect(allInAprBps(terms.principal, schedule, terms.disbursedOn)).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 2000, seed: 2400 },
    );
  });

  it('rounds each interest amount by less than a fen', () => {
    fc.assert(
      fc.property(termsNearCap(0), ({ capMode, terms }) => {
        const schedule = buildSchedule(terms, capRules[capMode]);
        let balance = terms.principal;
        for (const i of schedule) {
          const months = terms.repaymentMethod === 'bullet' ? terms.termMonths : 1;
          const exact = (balance * terms.aprBps * months) / 120_000;
          expect(i.interestDue).toBeGreaterThan(exact - 1);
          expect(i.interestDue).toBeLessThan(exact + 0.5 + 1e-9);
          balance -= i.principalDue;
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('rounds ¥8,000 over 6 months at 24 %: half up was judged over the cap, the schedule is not', () => {
    const terms: LoanTerms = {
      principal: 800_000,
      aprBps: 2400,
      termMonths: 6,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-07-01',
    };
    // What half-up rounding of every interest amount gave (payment 142 821 fen): 2401 bps all-in.
    const halfUp = [
      [126_821, 16_000],
      [129_357, 13_464],
      [131_945, 10_876],
      [134_583, 8_238],
      [137_275, 5_546],
      [140_019, 2_800],
    ].map(([principalDue = 0, interestDue = 0], i) => ({
      installmentNo: i + 1,
      dueDate: addMonthsClamped(terms.disbursedOn, i + 1),
      principalDue,
      interestDue,
      feeDue: 0,
      amountDue: principalDue + interestDue,
    }));
    expect(irrAprBps(800_000, halfUp, terms.disbursedOn)).toBeGreaterThan(2400.008);
    expect(allInAprBps(800_000, halfUp, terms.disbursedOn)).toBe(2401);

    const schedule = buildSchedule(terms, defaultRules);
    expect(schedule.map((i) => i.interestDue)).toEqual([16_000, 13_463, 10_876, 8_237, 5_545, 2_800]);
    expect(irrAprBps(800_000, schedule, terms.disbursedOn)).toBeLessThanOrEqual(2400);
    expect(allInAprBps(800_000, schedule, terms.disbursedOn)).toBe(2400);
  });

  it('rounds down only where half up would be over the cap, and keeps half up everywhere else', () => {
    let roundedDown = 0;
    fc.assert(
      fc.property(termsNearCap(2400), ({ capMode, cap, terms }) => {
        const schedule = buildSchedule(terms, capRules[capMode]);
        const halfUp = halfUpSchedule(terms);
        if (schedule.every((i, k) => i.interestDue === halfUp[k]?.interestDue)) {
          expect(schedule).toEqual(halfUp);
          return;
        }
        roundedDown += 1;
        expect(irrAprBps(terms.principal, halfUp, terms.disbursedOn)).toBeGreaterThan(cap);
        expect(allInAprBps(terms.principal, halfUp, terms.disbursedOn)).toBeGreaterThan(cap);
        const floor = halfUpInterest(terms, schedule).map((_, k) => {
          const months = terms.repaymentMethod === 'bullet' ? terms.termMonths : 1;
          const balance = terms.principal - schedule.slice(0, k).reduce((sum, i) => sum + i.principalDue, 0);
          return Math.floor((balance * terms.aprBps * months) / 120_000);
        });
        expect(schedule.map((i) => i.interestDue)).toEqual(floor);
      }),
      { numRuns: 3000, seed: 1 },
    );
    expect(roundedDown).toBeGreaterThan(0);
    const at = (principal: number) =>
      buildSchedule(
        {
          principal,
          aprBps: 2400,
          termMonths: 6,
          repaymentMethod: 'equal_installment',
          disbursedOn: '2027-07-01',
        },
        defaultRules,
      ).map((i) => i.interestDue);
    expect(at(800_002)).toEqual([16_000, 13_464, 10_876, 8_238, 5_546, 2_800]);
  });
});

/**
 * The schedule as it was before rounding at the cap, every interest amount rounded half up: an
 * independent reference (annuity exact in integers until its one rounding, as in a hand-worked annuity).
 */
function halfUpSchedule(terms: LoanTerms): ScheduledInstallment[] {
  const D = 120_000n;
  const a = BigInt(terms.aprBps);
  const halfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);
  const row = (k: number, principal: bigint, interest: bigint, dueDate: string): ScheduledInstallment => ({
    installmentNo: k,
    dueDate,
    principalDue: Number(principal),
    interestDue: Number(interest),
    feeDue: 0,
    amountDue: Number(principal + interest),
  });
  const P = BigInt(terms.principal);
  if (terms.repaymentMethod === 'bullet') {
    const interest = halfUp(P * a * BigInt(terms.termMonths), D);
    return [row(1, P, interest, addMonthsClamped(terms.disbursedOn, terms.termMonths))];
  }
  const n = BigInt(terms.termMonths);
  const grown = (D + a) ** n;
  const payment = a === 0n ? halfUp(P, n) : halfUp(P * a * grown, D * (grown - D ** n));
  let balance = P;
  const rows: ScheduledInstallment[] = [];
  for (let k = 1; k <= terms.termMonths; k++) {
    const interest = halfUp(balance * a, D);
    let principal = terms.repaymentMethod === 'equal_installment' ? payment - interest : P / n;
    if (k === terms.termMonths || principal > balance) principal = balance;
    if (principal < 0n) principal = 0n;
    rows.push(row(k, principal, interest, addMonthsClamped(terms.disbursedOn, k)));
    balance -= principal;
  }
  return rows;
}

/** Each installment's interest on the balance before it, rounded half up: what the schedule rounds to below the cap. */
function halfUpInterest(terms: LoanTerms, schedule: readonly ScheduledInstallment[]): number[] {
  const months = terms.repaymentMethod === 'bullet' ? terms.termMonths : 1;
  let balance = terms.principal;
  return schedule.map((i) => {
    const numerator = balance * terms.aprBps * months; // < 2^53 for every loan the rules allow
    balance -= i.principalDue;
    return Math.floor((2 * numerator + 120_000) / 240_000);
  });
}

/** A well-off applicant whose gates pass at every amount the rules offer, so only pricing can decline. */
function applicant(
  amountRequested: number,
  termMonths: number,
  repaymentMethod: RepaymentMethod,
): CreditInput {
  return {
    ageYears: 34,
    employmentStatus: 'employed',
    monthsInCurrentJob: 60,
    monthlyIncome: 50_000_000,
    monthlyDebtPayments: 0,
    activeLoansOtherLenders: 0,
    inquiriesLast90Days: 0,
    worstDpdLast12Months: 0,
    creditHistoryMonths: 120,
    request: { amount: amountRequested, termMonths, repaymentMethod },
    overdueExisting: false,
    hardshipActive: false,
    today: '2027-07-01',
  };
}

describe('offers at the cap', () => {
  const atCap = loadRules({ scoring: { gradeAprBps: { A: 2400, B: 2400, C: 2400 } } });

  it('approves ¥8,000.00, ¥8,000.01 and ¥8,000.02 over 6 months (before: the first two declined RATE_CAP)', () => {
    for (const amount of [800_000, 800_001, 800_002]) {
      const decision = decideCredit(applicant(amount, 6, 'equal_installment'), atCap);
      expect([amount, decision.decision, decision.offer?.aprBps]).toEqual([amount, 'approve', 2400]);
    }
  });

  it('offers every amount, term and method at the cap, and the booked schedule is the offered one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: atCap.scoring.minOfferFen, max: atCap.scoring.maxOfferFen }),
        method,
        fc.integer({ min: 1, max: 24 }),
        (requested, repaymentMethod, term) => {
          const termMonths = repaymentMethod === 'bullet' ? ((term - 1) % 12) + 1 : term;
          const decision = decideCredit(applicant(requested, termMonths, repaymentMethod), atCap);
          expect(decision.reasonCodes).not.toContain('RATE_CAP');
          expect(decision.decision).toBe('approve');
          const offer = decision.offer;
          if (!offer) throw new Error('approved without an offer');
          expect(offer.aprBps).toBe(2400);
          const booked = buildSchedule(
            {
              principal: offer.amount,
              aprBps: offer.aprBps,
              termMonths,
              repaymentMethod,
              disbursedOn: '2027-07-01',
            },
            atCap,
          );
          expect(booked.reduce((sum, i) => sum + i.amountDue, 0)).toBe(offer.totalRepayable);
          expect(irrAprBps(offer.amount, booked, '2027-07-01')).toBeLessThanOrEqual(
            2400 + JUDGE_TOLERANCE_BPS,
          );
        },
      ),
      { numRuns: 1000, seed: 17 },
    );
  });
});
