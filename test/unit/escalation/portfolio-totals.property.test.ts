import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageLoans } from '#shared/escalation/age-loans.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { bucketOf, daysPastDue } from '#shared/lending/delinquency.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import { bookingMonth, principalOutstanding } from '#shared/lending/portfolio-tally.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { saveBooking } from '#shared/servicing/book-loan.ts';
import { planBooking } from '#shared/servicing/decide-booking.ts';
import { at, harness, rules } from './harness.ts';

const START = '2027-01-05';
const PARTNERS = ['P1', 'P2'];
const PROVINCES = ['11', '31', undefined];

const loanArb = fc.record({
  partner: fc.constantFrom(...PARTNERS),
  province: fc.constantFrom(...PROVINCES),
  bookedDay: fc.integer({ min: 0, max: 40 }),
  principal: fc.integer({ min: 100_000, max: 2_000_000 }),
  termMonths: fc.integer({ min: 1, max: 6 }),
});
/** A payment of some fen on one loan on a day, or the ageing job on a day (transitions, vintages). */
const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('pay' as const),
    loan: fc.nat(),
    day: fc.integer({ min: 0, max: 260 }),
    amount: fc.integer({ min: 1, max: 800_000 }),
  }),
  fc.record({ kind: fc.constant('age' as const), day: fc.integer({ min: 0, max: 260 }) }),
);

describe('portfolio running totals', () => {
  it('equal the sum over loans after any sequence of bookings, payments and ageing transitions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(loanArb, { minLength: 1, maxLength: 5 }),
        fc.array(stepArb, { maxLength: 14 }),
        async (loanSpecs, steps) => {
          const h = harness(at(START));
          const ids = loanSpecs.map((_, i) => `L${i}`);
          const timeline = [
            ...loanSpecs.map((spec, i) => ({ kind: 'book' as const, day: spec.bookedDay, i })),
            ...steps,
            { kind: 'age' as const, day: 265 },
          ].sort((a, b) => a.day - b.day);
          for (const step of timeline) {
            const date = addDays(START, step.day);
            if (step.kind === 'book') {
              const spec = loanSpecs[step.i] as (typeof loanSpecs)[number];
              h.clock.set(at(date, '10:00'));
              const plan = planBooking(
                {
                  loanId: ids[step.i] as string,
                  partnerId: spec.partner,
                  borrowerId: `b${step.i}`,
                  identityHash: `id-${step.i}`,
                  ...(spec.province ? { provinceCode: spec.province } : {}),
                  terms: {
                    principal: spec.principal,
                    aprBps: 1_800,
                    termMonths: spec.termMonths,
                    repaymentMethod: 'equal_installment',
                    disbursedOn: date,
                  },
                },
                h.clock.now(),
                rules,
              );
              await saveBooking(h.deps, plan);
            } else if (step.kind === 'pay') {
              const loanId = ids[step.loan % ids.length] as string;
              const loan = await h.stores.loans.getLoan(loanId);
              // Payments go to loans on the book (a charged-off loan's later payments are not modelled here).
              if (loan?.status !== 'active') continue;
              h.clock.set(at(date, '12:00'));
              await applyPayment(h.deps, loan.partnerId, loanId, {
                paymentId: `pay-${step.day}-${step.amount}`,
                amount: step.amount,
                paidAt: h.clock.now().toISOString(),
              });
            } else {
              h.clock.set(at(date, '06:00'));
              await ageLoans(h.deps, date);
            }
          }
          await expectTotalsEqualSumOverLoans(h, ids);
        },
      ),
      { numRuns: 60 },
    );
  });
});

async function expectTotalsEqualSumOverLoans(h: ReturnType<typeof harness>, ids: string[]) {
  const lastDay = addDays(START, 265);
  const totals = await h.stores.portfolio.readTotals();
  const expected: Record<
    string,
    { loans: number; outstanding: number; chargedOff: number; chargedOffP: number }
  > = {};
  const provinces: Record<string, { loans: number; outstanding: number }> = {};
  const vintages: Record<string, { booked: number; delinquent: number }> = {};
  const buckets: Record<string, number> = {};
  for (const id of ids) {
    const found = await h.stores.loans.getLoanWithInstallments(id);
    if (!found) continue;
    const { loan, installments } = found;
    const principal = principalOutstanding(installments);
    const p = expected[loan.partnerId] ?? { loans: 0, outstanding: 0, chargedOff: 0, chargedOffP: 0 };
    if (loan.status === 'active') {
      p.loans += 1;
      p.outstanding += principal;
      if (loan.provinceCode) {
        const r = provinces[loan.provinceCode] ?? { loans: 0, outstanding: 0 };
        provinces[loan.provinceCode] = { loans: r.loans + 1, outstanding: r.outstanding + principal };
      }
      const dpd = daysPastDue(accrueLoanPenalty(loan, installments, lastDay, rules), lastDay, rules);
      const bucket = bucketOf(dpd, rules);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    } else if (loan.status === 'charged_off') {
      p.chargedOff += 1;
      p.chargedOffP += principal;
    }
    expected[loan.partnerId] = p;
    const v = vintages[bookingMonth(loan)] ?? { booked: 0, delinquent: 0 };
    vintages[bookingMonth(loan)] = {
      booked: v.booked + 1,
      delinquent: v.delinquent + (loan.vintageDelinquentOn ? 1 : 0),
    };
  }
  const recoveries = h.events.events
    .filter((e) => e.type === 'PaymentReceived')
    .filter(
      (e) => (e.detail as { daysPastDueBefore: number }).daysPastDueBefore >= rules.portfolio.recoveryDpd,
    )
    .reduce((sum, e) => sum + (e.detail as { amount: number }).amount, 0);

  for (const [partnerId, want] of Object.entries(expected)) {
    const got = totals.partners[partnerId];
    expect({ loans: got?.loans ?? 0, outstanding: got?.outstanding ?? 0 }).toEqual({
      loans: want.loans,
      outstanding: want.outstanding,
    });
    expect(got?.chargedOffLoans ?? 0).toBe(want.chargedOff);
    expect(got?.chargedOffPrincipal ?? 0).toBe(want.chargedOffP);
  }
  for (const code of ['11', '31']) {
    expect(totals.provinces[code] ?? { loans: 0, outstanding: 0 }).toEqual(
      provinces[code] ?? { loans: 0, outstanding: 0 },
    );
  }
  for (const [month, want] of Object.entries(vintages)) {
    const got = totals.vintages[month];
    expect(got?.booked).toBe(want.booked);
    expect(Object.values(got?.delinquentByMob ?? {}).reduce((a, b) => a + b, 0)).toBe(want.delinquent);
  }
  expect(Object.values(totals.partners).reduce((sum, p) => sum + p.recoveries, 0)).toBe(recoveries);
  // The snapshot of the last day: its buckets are the loans' own, though it read only those past due.
  const snapshot = await h.stores.portfolio.getSnapshot(lastDay);
  for (const name of rules.delinquency.buckets.map((b) => b.name)) {
    expect(snapshot?.total.buckets[name]?.loans).toBe(buckets[name] ?? 0);
  }
}
