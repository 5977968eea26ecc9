import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { allocatePayment, isPaid, outstanding, unpaidInstallments } from '#shared/lending/allocation.ts';
import { allInAprAtMost, aprCapBps } from '#shared/lending/apr.ts';
import { addDays, addMonthsClamped } from '#shared/lending/calendar.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import {
  decideRestructure,
  maxRestructureApr,
  maxRestructureTerm,
  observationPeriod,
  type RestructurableLoan,
} from '#shared/lending/restructure.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { InstallmentState, RepaymentMethod } from '#shared/lending/types.ts';

const rules = defaultRules;
const DISBURSED = '2027-01-31';
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A loan some days after disbursement, part repaid, penalty accrued through that day. */
function loanAt(
  principal: number,
  aprBps: number,
  termMonths: number,
  repaymentMethod: RepaymentMethod,
  paid: number,
  days: number,
) {
  const loan: RestructurableLoan = { aprBps, termMonths, repaymentMethod, disbursedOn: DISBURSED };
  const today = addDays(DISBURSED, days);
  const schedule = unpaidInstallments(buildSchedule({ ...loan, principal }, rules));
  const repaid = allocatePayment(schedule, paid, today).installments;
  return { loan, today, installments: accrueLoanPenalty(loan, repaid, today, rules) };
}

const loanArb = fc.record({
  principal: fc.integer({ min: 1_000, max: 5_000_000 }),
  aprBps: fc.integer({ min: 0, max: 2400 }),
  termMonths: fc.integer({ min: 1, max: 24 }),
  method: fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal'),
  paidShare: fc.integer({ min: 0, max: 90 }),
  days: fc.integer({ min: 0, max: 800 }),
  termPick: fc.double({ min: 0, max: 1, noNaN: true }),
  aprPick: fc.double({ min: 0, max: 1, noNaN: true }),
});

type LoanCase = typeof loanArb extends fc.Arbitrary<infer T> ? T : never;

function arbitraryCase(c: LoanCase) {
  const { loan, today, installments } = loanAt(
    c.principal,
    c.aprBps,
    c.termMonths,
    c.method,
    Math.floor((c.principal * c.paidShare) / 100),
    c.days,
  );
  const maxTerm = maxRestructureTerm(loan, today, rules);
  const termMonths = Math.max(1, Math.ceil(c.termPick * maxTerm));
  const aprBps = Math.floor(c.aprPick * maxRestructureApr(loan, today, rules));
  return { loan, today, installments, maxTerm, request: { termMonths, aprBps } };
}

const owedBefore = (installments: readonly InstallmentState[], today: string) => ({
  principal: sum(installments.map((i) => outstanding(i).principal)),
  dueInterest: sum(installments.filter((i) => i.dueDate <= today).map((i) => outstanding(i).interest)),
  penalty: sum(installments.map((i) => outstanding(i).penalty)),
});

describe('decideRestructure', () => {
  it('re-schedules exactly the outstanding principal and unpaid due interest, under the cap, within the term limits', () => {
    fc.assert(
      fc.property(loanArb, (c) => {
        const { loan, today, installments, maxTerm, request } = arbitraryCase(c);
        const decision = decideRestructure(loan, installments, request, today, 'now', rules);
        if (maxTerm < 1) {
          expect(decision).toMatchObject({ kind: 'refused', refusal: { kind: 'term_too_long' } });
          return;
        }
        const before = owedBefore(installments, today);
        if (before.principal + before.dueInterest + before.penalty === 0) return;
        if (decision.kind !== 'restructured') throw new Error(`refused: ${JSON.stringify(decision)}`);
        const { added, closed, restructuring } = decision;
        expect(sum(added.map((i) => i.principalDue))).toBe(before.principal);
        expect(sum(added.map((i) => i.carriedInterest))).toBe(before.dueInterest);
        expect(restructuring.principal).toBe(before.principal);
        // Penalty stays owed as it was, on the first new installment, never in principal or interest.
        expect(sum(added.map((i) => i.penaltyAccrued))).toBe(before.penalty);
        expect(closed.every(isPaid)).toBe(true);
        // The new interest is the new APR's on the outstanding principal alone, under the cap.
        const cap = aprCapBps(DISBURSED, rules);
        expect(restructuring.aprBps).toBeLessThanOrEqual(Math.min(cap, loan.aprBps));
        const ownRows = added.map((i) => ({
          ...i,
          amountDue: i.principalDue + i.interestDue - i.carriedInterest,
        }));
        if (before.principal > 0) expect(allInAprAtMost(before.principal, ownRows, today, cap)).toBe(true);
        // At most 12 more months than the contract, 36 in all.
        const lastDue = added.at(-1)?.dueDate ?? today;
        const limit = Math.min(loan.termMonths + 12, 36);
        expect(lastDue <= addMonthsClamped(DISBURSED, limit)).toBe(true);
        expect(decision.totalTermMonths).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 300 },
    );
  });

  it('never capitalizes penalty: more penalty owed changes no principal or interest of the new schedule', () => {
    fc.assert(
      fc.property(loanArb, fc.integer({ min: 1, max: 1_000_000 }), (c, extraPenalty) => {
        const { loan, today, installments, maxTerm, request } = arbitraryCase(c);
        if (maxTerm < 1) return;
        const heavier = installments.map((i, k) =>
          k === 0 ? { ...i, penaltyAccrued: i.penaltyAccrued + extraPenalty } : i,
        );
        const a = decideRestructure(loan, installments, request, today, 'now', rules);
        const b = decideRestructure(loan, heavier, request, today, 'now', rules);
        if (b.kind !== 'restructured') throw new Error('refused');
        const parts = (d: typeof b) => d.added.map((i) => [i.principalDue, i.interestDue]);
        if (a.kind === 'restructured') expect(parts(b)).toEqual(parts(a));
        expect(sum(b.added.map((i) => i.penaltyAccrued))).toBe(
          owedBefore(installments, today).penalty + extraPenalty,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a second restructuring of the loan, naming the first', () => {
    const { loan, today, installments } = loanAt(600_000, 1800, 12, 'equal_installment', 0, 120);
    const first = decideRestructure(loan, installments, { termMonths: 12 }, today, 'now', rules);
    if (first.kind !== 'restructured') throw new Error('first refused');
    const again = decideRestructure(
      { ...loan, restructuring: first.restructuring },
      [...first.closed, ...first.added],
      { termMonths: 6 },
      today,
      'now',
      rules,
    );
    expect(again).toEqual({ kind: 'refused', refusal: { kind: 'already_restructured', on: today } });
  });

  it('refuses a term past 12 more months or 36 in all, and an APR above the contract’s', () => {
    const { loan, today, installments } = loanAt(600_000, 1800, 12, 'equal_installment', 0, 100);
    // 100 days in: 4 months begun, so 12 + 12 − 4 = 20 months at most.
    expect(maxRestructureTerm(loan, today, rules)).toBe(20);
    expect(decideRestructure(loan, installments, { termMonths: 21 }, today, 'now', rules)).toEqual({
      kind: 'refused',
      refusal: { kind: 'term_too_long', maxTermMonths: 20 },
    });
    expect(decideRestructure(loan, installments, { termMonths: 20 }, today, 'now', rules).kind).toBe(
      'restructured',
    );
    const long = loanAt(600_000, 1800, 24, 'equal_installment', 0, 100).loan;
    expect(maxRestructureTerm(long, today, rules)).toBe(32);
    expect(
      decideRestructure(loan, installments, { termMonths: 6, aprBps: 1801 }, today, 'now', rules),
    ).toEqual({
      kind: 'refused',
      refusal: { kind: 'apr_too_high', maxAprBps: 1800 },
    });
  });
});

describe('observationPeriod', () => {
  const { loan, today, installments } = loanAt(600_000, 1800, 12, 'equal_installment', 0, 100);
  const decided = decideRestructure(loan, installments, { termMonths: 18 }, today, 'now', rules);
  if (decided.kind !== 'restructured') throw new Error('refused');
  const { restructuring, added } = decided;
  const payUpTo = (n: number, missed?: number) =>
    added.map((i, k) =>
      k < n && k !== missed
        ? {
            ...i,
            principalPaid: i.principalDue,
            interestPaid: i.interestDue,
            feePaid: i.feeDue,
            penaltyPaid: i.penaltyAccrued,
            paidOn: i.dueDate,
          }
        : i,
    );

  it('runs 12 months from the first new due date and completes after two repayments in a row', () => {
    const first = restructuring.firstDueDate;
    expect(observationPeriod(restructuring, payUpTo(0), first, rules)).toMatchObject({
      since: first,
      endsOn: addMonthsClamped(first, 12),
      status: 'observing',
    });
    const after = addMonthsClamped(first, 12);
    expect(observationPeriod(restructuring, payUpTo(13), after, rules)).toMatchObject({
      status: 'completed',
    });
  });

  it('starts again from the next due date after a missed payment', () => {
    const period = observationPeriod(
      restructuring,
      payUpTo(13, 2),
      addMonthsClamped(restructuring.firstDueDate, 12),
      rules,
    );
    expect(period.since).toBe(added[3]?.dueDate);
    expect(period.status).toBe('observing');
  });
});
