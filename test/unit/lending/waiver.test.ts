import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { allocatePayment, outstanding, unpaidInstallments } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import { decideWaiver, type WaivableInstallment, waivable } from '#shared/lending/waiver.ts';

const rules = defaultRules;
const DISBURSED = '2027-03-15';
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function installmentsAt(principal: number, termMonths: number, paid: number, days: number) {
  const loan = { aprBps: 2000, disbursedOn: DISBURSED };
  const today = addDays(DISBURSED, days);
  const schedule = unpaidInstallments(
    buildSchedule({ ...loan, principal, termMonths, repaymentMethod: 'equal_installment' }, rules),
  );
  const repaid = allocatePayment(schedule, paid, addDays(DISBURSED, Math.floor(days / 2))).installments;
  return { today, installments: accrueLoanPenalty(loan, repaid, today, rules) as WaivableInstallment[] };
}

describe('decideWaiver', () => {
  it('never waives more than is due, at most half the due interest, and never principal or fees', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 3_000_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 1, max: 3 }),
        (principal, term, paidShare, days, penalty, interest, rounds) => {
          const start = installmentsAt(principal, term, Math.floor((principal * paidShare) / 100), days);
          const { today } = start;
          let current = start.installments;
          const dueInterest = sum(current.filter((i) => i.dueDate <= today).map((i) => i.interestDue));
          const penaltyOwed = sum(current.map((i) => outstanding(i).penalty));
          // Several waivers in a row together stay within the limits.
          for (let r = 0; r < rounds; r++) {
            const before = current;
            const decision = decideWaiver(
              before,
              { penalty: penalty >> r, interest: interest >> r },
              today,
              rules,
            );
            if (decision.kind === 'refused') {
              const most = waivable(before, today, rules);
              expect(penalty >> r > most.penalty || interest >> r > most.interest).toBe(true);
              continue;
            }
            const byNo = new Map(decision.changed.map((i) => [i.installmentNo, i]));
            current = before.map((i) => byNo.get(i.installmentNo) ?? i);
            for (const [k, after] of current.entries()) {
              const was = before[k] as WaivableInstallment;
              expect(after.principalDue).toBe(was.principalDue);
              expect(after.principalPaid).toBe(was.principalPaid);
              expect(after.feeDue).toBe(was.feeDue);
              const owed = outstanding(after);
              expect(owed.penalty).toBeGreaterThanOrEqual(0);
              expect(owed.interest).toBeGreaterThanOrEqual(0);
              expect(after.amountDue).toBe(after.principalDue + after.interestDue + after.feeDue);
            }
            expect(sum(decision.waived.installments.map((w) => w.penalty))).toBe(penalty >> r);
            expect(sum(decision.waived.installments.map((w) => w.interest))).toBe(interest >> r);
          }
          const waivedInterest = sum(current.map((i) => i.interestWaived ?? 0));
          const waivedPenalty = sum(current.map((i) => i.penaltyWaived ?? 0));
          expect(waivedInterest).toBeLessThanOrEqual(Math.floor(dueInterest / 2));
          expect(waivedPenalty).toBeLessThanOrEqual(penaltyOwed);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses interest above half of what is due, naming what may be waived', () => {
    const { today, installments } = installmentsAt(1_200_000, 12, 0, 70);
    const due = installments.filter((i) => i.dueDate <= today);
    const half = sum(due.map((i) => Math.floor(i.interestDue / 2)));
    expect(half).toBeGreaterThan(0);
    const refused = decideWaiver(installments, { penalty: 0, interest: half + 1 }, today, rules);
    expect(refused).toMatchObject({
      kind: 'refused',
      refusal: 'interest_above_waivable',
      waivable: { interest: half },
    });
    expect(decideWaiver(installments, { penalty: 0, interest: half }, today, rules).kind).toBe('waived');
  });

  it('refuses penalty above what has accrued', () => {
    const { today, installments } = installmentsAt(1_200_000, 12, 0, 70);
    const accrued = sum(installments.map((i) => i.penaltyAccrued));
    expect(accrued).toBeGreaterThan(0);
    expect(decideWaiver(installments, { penalty: accrued + 1, interest: 0 }, today, rules)).toMatchObject({
      kind: 'refused',
      refusal: 'penalty_above_waivable',
    });
  });
});

/** A hand-made installment: 1,000 fen interest due, 200 fen penalty accrued, nothing paid. */
const inst = (
  no: number,
  dueDate: string,
  change: Partial<WaivableInstallment> = {},
): WaivableInstallment => ({
  installmentNo: no,
  dueDate,
  principalDue: 10_000,
  interestDue: 1_000,
  feeDue: 0,
  amountDue: 11_000,
  principalPaid: 0,
  interestPaid: 0,
  feePaid: 0,
  penaltyAccrued: 200,
  penaltyPaid: 0,
  penaltyAccruedThrough: null,
  ...change,
});
const TODAY = '2027-07-01';

describe('waivable, by hand', () => {
  it('counts penalty accrued less penalty paid', () => {
    expect(waivable([inst(1, '2027-06-01', { penaltyPaid: 50 })], TODAY, rules).penalty).toBe(150);
  });

  it('counts the interest of an installment due today, and none of one due tomorrow', () => {
    expect(waivable([inst(1, TODAY)], TODAY, rules).interest).toBe(500);
    expect(waivable([inst(1, '2027-07-02')], TODAY, rules).interest).toBe(0);
  });

  it('takes earlier waivers into the half: 1,000 due before, 100 waived, 400 left', () => {
    expect(
      waivable([inst(1, '2027-06-01', { interestDue: 900, interestWaived: 100 })], TODAY, rules).interest,
    ).toBe(400);
  });
});

describe('decideWaiver, by hand', () => {
  it('accepts a waiver of exactly what is waivable', () => {
    const decision = decideWaiver([inst(1, '2027-06-01')], { penalty: 200, interest: 500 }, TODAY, rules);
    expect(decision.kind).toBe('waived');
  });

  it('takes from the oldest due date first, then the lower installment number, skipping one with nothing to waive', () => {
    const given = [
      inst(3, '2027-06-20'),
      inst(4, '2027-05-20'),
      inst(2, '2027-05-20', { penaltyAccrued: 0 }),
      inst(1, '2027-04-20', { penaltyAccrued: 0, interestDue: 0, amountDue: 10_000 }),
    ];
    const decision = decideWaiver(given, { penalty: 300, interest: 0 }, TODAY, rules);
    if (decision.kind !== 'waived') throw new Error('refused');
    expect(decision.waived.installments).toEqual([
      { installmentNo: 4, penalty: 200, interest: 0 },
      { installmentNo: 3, penalty: 100, interest: 0 },
    ]);
    const interestFirst = decideWaiver(given, { penalty: 0, interest: 600 }, TODAY, rules);
    if (interestFirst.kind !== 'waived') throw new Error('refused');
    expect(interestFirst.waived.installments.map((i) => [i.installmentNo, i.interest])).toEqual([
      [2, 500],
      [4, 100],
    ]);
  });

  it('keeps the oldest first when given in that order', () => {
    const decision = decideWaiver(
      [inst(1, '2027-05-01'), inst(2, '2027-06-01')],
      { penalty: 300, interest: 0 },
      TODAY,
      rules,
    );
    if (decision.kind !== 'waived') throw new Error('refused');
    expect(decision.waived.installments.map((i) => [i.installmentNo, i.penalty])).toEqual([
      [1, 200],
      [2, 100],
    ]);
  });

  it('waives on an installment whose penalty and interest waived are equal', () => {
    const decision = decideWaiver([inst(1, '2027-06-01')], { penalty: 200, interest: 200 }, TODAY, rules);
    if (decision.kind !== 'waived') throw new Error('refused');
    expect(decision.waived.installments).toEqual([{ installmentNo: 1, penalty: 200, interest: 200 }]);
  });

  it('adds to what earlier waivers took, beside the lowered amounts', () => {
    const decision = decideWaiver(
      [
        inst(1, '2027-06-01', {
          interestDue: 900,
          interestWaived: 100,
          penaltyWaived: 30,
          amountDue: 10_900,
        }),
      ],
      { penalty: 50, interest: 300 },
      TODAY,
      rules,
    );
    if (decision.kind !== 'waived') throw new Error('refused');
    expect(decision.changed[0]).toMatchObject({
      penaltyAccrued: 150,
      penaltyWaived: 80,
      interestDue: 600,
      interestWaived: 400,
      amountDue: 10_600,
    });
  });
});
