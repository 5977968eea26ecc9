import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { allocatePayment, isPaid, outstanding, unpaidInstallments } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { InstallmentState } from '#shared/lending/types.ts';

function fresh(principal = 300_000, termMonths = 3, fee = 0): InstallmentState[] {
  return unpaidInstallments(
    buildSchedule(
      {
        principal,
        aprBps: 1800,
        termMonths,
        repaymentMethod: 'equal_installment',
        disbursedOn: '2027-05-10',
        feePerInstallment: fee,
      },
      defaultRules,
    ),
  );
}

const owedTotal = (insts: InstallmentState[]) => insts.reduce((sum, i) => sum + outstanding(i).total, 0);

describe('allocatePayment', () => {
  it('conserves every fen and never pays a component below zero or above what is due', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 5_000_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 500 }),
        fc.array(fc.integer({ min: 1, max: 2_000_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 400 }),
        (principal, term, fee, payments, dayOffset) => {
          let insts = fresh(principal, term, fee).map((i, k) => ({
            ...i,
            penaltyAccrued: k === 0 ? 777 : 0,
          }));
          const owedBefore = owedTotal(insts);
          let credit = 0;
          let allocated = 0;
          const asOf = addDays('2027-05-10', dayOffset);
          for (const amount of payments) {
            const r = allocatePayment(insts, amount, asOf);
            const sum = r.allocations.reduce((s, a) => s + a.fee + a.penalty + a.interest + a.principal, 0);
            expect(sum + r.credit).toBe(amount);
            allocated += sum;
            credit += r.credit;
            insts = r.installments;
            for (const i of insts) {
              const o = outstanding(i);
              for (const v of [o.fee, o.penalty, o.interest, o.principal])
                expect(v).toBeGreaterThanOrEqual(0);
            }
          }
          expect(owedTotal(insts)).toBe(owedBefore - allocated);
          if (credit > 0) expect(insts.every(isPaid)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pays fee, then penalty, then interest, then principal of the oldest installment first', () => {
    const insts = fresh(300_000, 3, 500).map((i, k) => ({ ...i, penaltyAccrued: k < 2 ? 100 : 0 }));
    const r = allocatePayment(insts, 5_000, '2027-07-20');
    expect(r.allocations).toEqual([
      { installmentNo: 1, fee: 500, penalty: 100, interest: 4_400, principal: 0 },
    ]);
    const r2 = allocatePayment(r.installments, 103_615 - 5_000 + 700, '2027-07-20');
    expect(r2.allocations[0]).toMatchObject({ installmentNo: 1, interest: 100, principal: 98_515 });
    expect(r2.allocations[1]).toEqual({
      installmentNo: 2,
      fee: 500,
      penalty: 100,
      interest: 100,
      principal: 0,
    });
  });

  it('prepays the following installments in order once those due are covered, then holds credit', () => {
    const insts = fresh();
    const all = owedTotal(insts);
    const r = allocatePayment(
      insts,
      (insts[0]?.amountDue ?? 0) + (insts[1]?.amountDue ?? 0) + 10,
      '2027-06-10',
    );
    expect(r.installments.map(isPaid)).toEqual([true, true, false]);
    expect(r.allocations.map((a) => a.installmentNo)).toEqual([1, 2, 3]);
    expect(r.credit).toBe(0);
    const over = allocatePayment(insts, all + 12_345, '2027-06-10');
    expect(over.installments.every(isPaid)).toBe(true);
    expect(over.credit).toBe(12_345);
  });

  it('pays by due date whatever order the installments come in, and hands them back in that order', () => {
    const [first, second, third] = fresh();
    if (!first || !second || !third) throw new Error('three installments expected');
    const r = allocatePayment([third, first, second], first.amountDue + 10, '2027-06-10');
    expect(r.allocations.map((a) => a.installmentNo)).toEqual([1, 2]);
    expect(r.installments.map((i) => i.installmentNo)).toEqual([3, 1, 2]);
    expect(r.installments.map(isPaid)).toEqual([false, true, false]);
  });

  it('pays by due date before installment number', () => {
    // Numbers and dates agree in a schedule as booked; the date is what decides.
    const insts = fresh();
    const dates = insts.map((i) => i.dueDate).reverse();
    const reversedDates = insts.map((i, k) => ({ ...i, dueDate: dates[k] as string }));
    const all = owedTotal(reversedDates);
    for (const order of [reversedDates, [...reversedDates].reverse()]) {
      const r = allocatePayment(order, all, '2027-08-10');
      expect(r.allocations.map((a) => a.installmentNo)).toEqual([3, 2, 1]);
    }
  });

  it('pays installments due on the same day in installment order', () => {
    // A re-dated schedule can put two installments on one day.
    const [first, second] = fresh().map((i) => ({ ...i, dueDate: '2027-06-10' }));
    if (!first || !second) throw new Error('two installments expected');
    const r = allocatePayment([second, first], first.amountDue, '2027-06-10');
    expect(r.allocations.map((a) => a.installmentNo)).toEqual([1]);
    expect(r.installments.map(isPaid)).toEqual([false, true]);
    expect(allocatePayment([first, second], first.amountDue, '2027-06-10').allocations).toEqual(
      r.allocations,
    );
  });
});
