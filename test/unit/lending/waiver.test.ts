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
