import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { allocatePayment } from '#shared/lending/allocation.ts';
import { aprCapBps, penaltyAprBps } from '#shared/lending/apr.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { bucketOf, classify, daysPastDue, delinquencyStatus } from '#shared/lending/delinquency.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { accrueLoanPenalty, accruePenalty } from '#shared/lending/penalty.ts';
import type { InstallmentState } from '#shared/lending/types.ts';
import { unpaidFixtureInstallments } from '../../fixtures/loans.ts';

const rules = defaultRules;
/** The fixture loan's three unpaid installments, due 2027-06-10, 07-10 and 08-10. */
const loan = () => unpaidFixtureInstallments(rules);
const firstDue = '2027-06-10';

describe('days past due, grace and buckets', () => {
  const table: [number, string, string][] = [
    [0, 'current', 'current'],
    [1, 'M1', 'grace'],
    [3, 'M1', 'grace'],
    [4, 'M1', 'delinquent'],
    [30, 'M1', 'delinquent'],
    [31, 'M2', 'delinquent'],
    [60, 'M2', 'delinquent'],
    [61, 'M3', 'delinquent'],
    [89, 'M3', 'delinquent'],
    [90, 'M3', 'non_performing'],
    [91, 'M3+', 'non_performing'],
    [119, 'M3+', 'non_performing'],
    [120, 'M3+', 'charged_off'],
  ];
  for (const [dpd, bucket, status] of table) {
    it(`${dpd} days after the due date: DPD ${dpd}, ${bucket}, ${status}`, () => {
      const today = addDays(firstDue, dpd);
      const insts = dpd >= 31 ? loan().slice(0, 1) : loan();
      expect(daysPastDue(insts, today, rules)).toBe(dpd);
      expect(bucketOf(dpd, rules)).toBe(bucket);
      expect(delinquencyStatus(dpd, rules)).toBe(status);
    });
  }

  it('counts from the earliest unpaid installment', () => {
    expect(daysPastDue(loan(), '2027-07-15', rules)).toBe(35);
  });

  it('ignores arrears up to the tolerance of 100 fen and counts from 101', () => {
    for (const [left, dpd] of [
      [99, 0],
      [100, 0],
      [101, 5],
    ] as const) {
      const first = loan()[0] as InstallmentState;
      const paid = allocatePayment([first], first.amountDue - left, firstDue).installments;
      expect(daysPastDue(paid, addDays(firstDue, 5), rules)).toBe(dpd);
    }
  });

  it('counts from the earliest unpaid installment whatever order the installments come in', () => {
    const [first, second] = loan();
    if (!first || !second) throw new Error('two installments expected');
    expect(daysPastDue([second, first], addDays(second.dueDate, 1), rules)).toBe(
      daysPastDue([first, second], addDays(second.dueDate, 1), rules),
    );
    expect(daysPastDue([second, first], '2027-07-11', rules)).toBe(31);
  });

  it('calls an installment with only its fee or only penalty paid partly paid', () => {
    const [first] = loan();
    if (!first) throw new Error('an installment expected');
    const today = addDays(firstDue, 10);
    expect(classify([{ ...first, feeDue: 500, feePaid: 500 }], today)).toBe('partial');
    expect(classify([{ ...first, penaltyAccrued: 300, penaltyPaid: 100 }], today)).toBe('partial');
  });

  it('classifies partial, full and consecutive arrears', () => {
    const insts = loan();
    expect(classify(insts, firstDue)).toBeNull();
    expect(classify(insts, '2027-06-11')).toBe('full');
    expect(classify(allocatePayment(insts, 1_000, firstDue).installments, '2027-06-11')).toBe('partial');
    expect(classify(insts, '2027-07-11')).toBe('consecutive');
  });
});

describe('rate cap', () => {
  it('is 24% by default and 4 × the LPR in force in lpr4x mode', () => {
    const lpr = loadRules({ rateCap: { mode: 'lpr4x' } });
    expect(aprCapBps('2026-01-01', rules)).toBe(2400);
    expect(aprCapBps('2026-01-01', lpr)).toBe(1200);
    expect(aprCapBps('2025-05-20', lpr)).toBe(1200);
    expect(aprCapBps('2025-01-15', lpr)).toBe(1240);
    expect(() => aprCapBps('2020-01-01', lpr)).toThrow(/no LPR/);
  });

  it('finds the LPR in force in a table kept in any order', () => {
    const shuffled = loadRules({
      rateCap: {
        mode: 'lpr4x',
        lprTable: [
          { from: '2025-05-20', oneYearBps: 300 },
          { from: '2023-08-21', oneYearBps: 345 },
          { from: '2024-10-21', oneYearBps: 310 },
          { from: '2024-07-22', oneYearBps: 335 },
        ],
      },
    });
    expect(aprCapBps('2026-01-01', shuffled)).toBe(1200);
    expect(aprCapBps('2024-08-01', shuffled)).toBe(1340);
  });

  it('sets penalty APR to half the contract APR where the cap leaves room, else to the headroom', () => {
    // [contract APR, cap, penalty]: half of 10 % is 5 % (room for 14 %); half of 18 % would be 9 %, the
    // cap leaves 6 %; at 16 % both are 8 %; a contract at or over the cap leaves no penalty at all.
    const table: [number, number, number][] = [
      [1000, 2400, 500],
      [1001, 2400, 500],
      [1600, 2400, 800],
      [1800, 2400, 600],
      [600, 1200, 300],
      [900, 1200, 300],
      [2400, 2400, 0],
      [1300, 1200, 0],
      [0, 2400, 0],
    ];
    for (const [apr, cap, penalty] of table)
      expect(penaltyAprBps(apr, cap, rules), `${apr} under ${cap}`).toBe(penalty);
  });

  it('keeps contract plus penalty APR within the cap for any contract rate under it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2400 }), fc.constantFrom(1200, 2400), (apr, cap) => {
        fc.pre(apr <= cap);
        const penalty = penaltyAprBps(apr, cap, rules);
        expect(penalty).toBeGreaterThanOrEqual(0);
        expect(penalty).toBeLessThanOrEqual(apr / 2);
        expect(apr + penalty).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it('accrues simple daily penalty on unpaid principal from the day after grace, whatever the days and rate', () => {
    // ¥36,500 unpaid at k bps a year is exactly k fen a day on actual/365: no rounding to hide behind.
    const inst: InstallmentState = {
      installmentNo: 1,
      dueDate: firstDue,
      principalDue: 3_650_000,
      interestDue: 0,
      feeDue: 0,
      amountDue: 3_650_000,
      principalPaid: 0,
      interestPaid: 0,
      feePaid: 0,
      penaltyAccrued: 0,
      penaltyPaid: 0,
      penaltyAccruedThrough: null,
    };
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 400 }), fc.integer({ min: 0, max: 2400 }), (days, bps) => {
        const accrued = accruePenalty(inst, addDays(firstDue, days), bps, rules).penaltyAccrued;
        expect(accrued).toBe(bps * Math.max(0, days - 3));
      }),
    );
    // Half the principal paid: half the penalty.
    const halfPaid = { ...inst, principalPaid: 1_825_000 };
    expect(accruePenalty(halfPaid, addDays(firstDue, 13), 800, rules).penaltyAccrued).toBe(4_000);
    // All of it paid: nothing accrues, and the record is left as it is.
    const paid = { ...inst, principalPaid: 3_650_000 };
    expect(accruePenalty(paid, addDays(firstDue, 13), 800, rules)).toBe(paid);
  });
});

describe('penalty accrual', () => {
  const inst = loan()[0] as InstallmentState;
  const bps = penaltyAprBps(1800, 2400, rules); // 600: half of 18% would be 900, the cap leaves 600

  it('charges nothing during grace and starts the day after it', () => {
    expect(bps).toBe(600);
    expect(accruePenalty(inst, addDays(firstDue, 3), bps, rules).penaltyAccrued).toBe(0);
    // One day on 98 515 fen at 6%: 98515 × 600 / 3 650 000 = 16.19 → 16.
    expect(accruePenalty(inst, addDays(firstDue, 4), bps, rules).penaltyAccrued).toBe(16);
  });

  it('accrues each day once, however often it is asked, and in steps equal to one go', () => {
    const once = accruePenalty(inst, addDays(firstDue, 20), bps, rules);
    const twice = accruePenalty(once, addDays(firstDue, 20), bps, rules);
    expect(twice).toEqual(once);
    const stepped = accruePenalty(
      accruePenalty(inst, addDays(firstDue, 10), bps, rules),
      addDays(firstDue, 20),
      bps,
      rules,
    );
    expect(Math.abs(stepped.penaltyAccrued - once.penaltyAccrued)).toBeLessThanOrEqual(1);
  });

  it('skips the days a hardship plan pauses, and only those', () => {
    // 98 515 fen at 6 %: 16.19 fen a day.
    const paused = accruePenalty(inst, addDays(firstDue, 20), bps, rules, addDays(firstDue, 20));
    expect(paused.penaltyAccrued).toBe(0);
    expect(paused.penaltyAccruedThrough).toBe(addDays(firstDue, 20));
    // Paused through day 10: days 11–20 accrue, 10 days = 161.93 → 162.
    expect(accruePenalty(inst, addDays(firstDue, 20), bps, rules, addDays(firstDue, 10)).penaltyAccrued).toBe(
      162,
    );
    // A pause that ended before penalty began changes nothing: days 4–20, 17 days = 275.28 → 275.
    const unpaused = accruePenalty(inst, addDays(firstDue, 20), bps, rules).penaltyAccrued;
    expect(unpaused).toBe(275);
    expect(accruePenalty(inst, addDays(firstDue, 20), bps, rules, addDays(firstDue, 2)).penaltyAccrued).toBe(
      unpaused,
    );
    // Days accrued before the pause stay accrued: days 4–8 (5 days = 80.96 → 81), paused 9–15, then 16–20.
    const before = accruePenalty(inst, addDays(firstDue, 8), bps, rules);
    expect(before.penaltyAccrued).toBe(81);
    const after = accruePenalty(before, addDays(firstDue, 20), bps, rules, addDays(firstDue, 15));
    expect(after.penaltyAccrued).toBe(81 + 81);
  });

  it('does not charge the day a pause ends on, even when it is the first penalty day', () => {
    const firstPenaltyDay = addDays(firstDue, 4);
    expect(accruePenalty(inst, addDays(firstDue, 5), bps, rules, firstPenaltyDay).penaltyAccrued).toBe(16);
  });

  it('charges a day already accrued only once, starting the day after the last one accrued', () => {
    const throughFirst = accruePenalty(inst, addDays(firstDue, 4), bps, rules);
    expect(throughFirst).toMatchObject({ penaltyAccrued: 16, penaltyAccruedThrough: addDays(firstDue, 4) });
    expect(accruePenalty(throughFirst, addDays(firstDue, 5), bps, rules).penaltyAccrued).toBe(32);
  });

  it('starts after grace of a re-dated due date, whatever was accrued under the old one', () => {
    // Accrued through day 8 of the old due date, then re-dated 30 days later: grace runs again from there.
    const accrued = accruePenalty(inst, addDays(firstDue, 8), bps, rules);
    const redated = { ...accrued, dueDate: addDays(firstDue, 30) };
    expect(accruePenalty(redated, addDays(firstDue, 33), bps, rules).penaltyAccrued).toBe(81);
    expect(accruePenalty(redated, addDays(firstDue, 34), bps, rules).penaltyAccrued).toBe(81 + 16);
  });

  it('at a zero penalty rate still records the days as accrued, from the first penalty day on', () => {
    expect(accruePenalty(inst, addDays(firstDue, 3), 0, rules).penaltyAccruedThrough).toBeNull();
    expect(accruePenalty(inst, addDays(firstDue, 4), 0, rules)).toMatchObject({
      penaltyAccrued: 0,
      penaltyAccruedThrough: addDays(firstDue, 4),
    });
  });

  it('refuses penalty too large for a whole number of fen, and says it is the penalty', () => {
    const huge = { ...inst, principalDue: Number.MAX_SAFE_INTEGER };
    expect(() => accruePenalty(huge, addDays(firstDue, 4000), 2400, rules)).toThrow(
      /^penalty must be a whole number of fen/,
    );
  });

  it('leaves an installment accrued past the day asked for as it is', () => {
    const accrued = accruePenalty(inst, addDays(firstDue, 20), bps, rules);
    expect(accruePenalty(accrued, addDays(firstDue, 10), bps, rules)).toEqual(accrued);
  });

  it('resumes penalty the day after a granted plan ends, through the loan-level accrual', () => {
    const plan: HardshipPlan = {
      planId: 'h1',
      status: 'granted',
      reason: 'illness',
      deferralDays: 7,
      requestedAt: '2027-06-16T02:00:00Z',
      startsOn: addDays(firstDue, 9),
      endsOn: addDays(firstDue, 15),
      referralReasons: [],
    };
    const terms = { aprBps: 1800, disbursedOn: '2027-05-10', hardshipPlans: [plan] };
    const accrued = (today: string, plans = [plan]) =>
      (accrueLoanPenalty({ ...terms, hardshipPlans: plans }, loan(), today, rules)[0] as InstallmentState)
        .penaltyAccrued;
    // Through day 8 the plan has not begun: 5 days accrue.
    const beforePlan = accrueLoanPenalty(terms, loan(), addDays(firstDue, 8), rules);
    expect(beforePlan[0]?.penaltyAccrued).toBe(81);
    // During the plan nothing more accrues; from day 16 it resumes.
    const during = accrueLoanPenalty(terms, beforePlan, addDays(firstDue, 15), rules);
    expect(during[0]?.penaltyAccrued).toBe(81);
    const resumed = accrueLoanPenalty(terms, during, addDays(firstDue, 20), rules);
    expect(resumed[0]?.penaltyAccrued).toBe(81 + 81);
    // A referred plan pauses nothing.
    expect(accrued(addDays(firstDue, 20), [{ ...plan, status: 'referred' }])).toBe(275);
  });
});
