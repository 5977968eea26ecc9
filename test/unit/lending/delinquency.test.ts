import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { allocatePayment, unpaidInstallments } from '#shared/lending/allocation.ts';
import { aprCapBps, penaltyAprBps } from '#shared/lending/apr.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { bucketOf, classify, daysPastDue, delinquencyStatus } from '#shared/lending/delinquency.ts';
import { accruePenalty } from '#shared/lending/penalty.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { InstallmentState } from '#shared/lending/types.ts';

const rules = defaultRules;
function loan(): InstallmentState[] {
  return unpaidInstallments(
    buildSchedule(
      {
        principal: 300_000,
        aprBps: 1800,
        termMonths: 3,
        repaymentMethod: 'equal_installment',
        disbursedOn: '2027-05-10',
      },
      rules,
    ),
  );
}
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

  it('keeps contract plus penalty APR within the cap for any contract rate under it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2400 }), fc.constantFrom(1200, 2400), (apr, cap) => {
        fc.pre(apr <= cap);
        const penalty = penaltyAprBps(apr, cap, rules);
        expect(penalty).toBeGreaterThanOrEqual(0);
        expect(apr + penalty).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it('never accrues penalty above the penalty rate on unpaid principal, whatever the days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 2400 }), (days, apr) => {
        const penaltyBps = penaltyAprBps(apr, 2400, rules);
        const inst = loan()[0] as InstallmentState;
        const today = addDays(inst.dueDate, days);
        const accrued = accruePenalty(inst, today, penaltyBps, rules);
        const penaltyDays = Math.max(0, days - rules.delinquency.graceDays);
        // Bound: principal × rate × days / 365, rounded half up once.
        const bound = Math.round((inst.principalDue * penaltyBps * penaltyDays) / (10_000 * 365)) + 1;
        expect(accrued.penaltyAccrued).toBeLessThanOrEqual(bound);
        expect(accrued.penaltyAccrued).toBeGreaterThanOrEqual(0);
      }),
    );
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

  it('skips the days a hardship plan pauses', () => {
    const paused = accruePenalty(inst, addDays(firstDue, 20), bps, rules, addDays(firstDue, 20));
    expect(paused.penaltyAccrued).toBe(0);
  });
});
