import { describe, expect, it } from 'vitest';
import { ageLoans } from '#shared/escalation/age-loans.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { saveBooking } from '#shared/servicing/book-loan.ts';
import { planBooking } from '#shared/servicing/decide-booking.ts';
import { at, harness, rules } from './harness.ts';

describe('the ageing job’s portfolio snapshot', () => {
  it('is stored once per business date: a rerun after a payment answers the snapshot stored first', async () => {
    const h = harness(at('2027-05-10', '10:00'));
    const plan = planBooking(
      {
        loanId: 'L-rerun',
        partnerId: 'P1',
        borrowerId: 'b1',
        identityHash: 'id-b1',
        provinceCode: '44',
        terms: {
          principal: 300_000,
          aprBps: 1_800,
          termMonths: 3,
          repaymentMethod: 'equal_installment',
          disbursedOn: '2027-05-10',
        },
      },
      h.clock.now(),
      rules,
    );
    await saveBooking(h.deps, plan);
    h.clock.set(at('2027-06-20', '06:00'));
    const first = await ageLoans(h.deps, '2027-06-20');
    expect(first.portfolio.total).toMatchObject({ loans: 1, outstanding: 300_000 });
    expect(first.portfolio.total.buckets.M1).toEqual({ loans: 1, outstanding: 300_000 });

    h.clock.set(at('2027-06-20', '12:00'));
    await applyPayment(h.deps, 'P1', 'L-rerun', {
      paymentId: 'p1',
      amount: 200_000,
      paidAt: h.clock.now().toISOString(),
    });
    const rerun = await ageLoans(h.deps, '2027-06-20');
    expect(rerun.portfolio).toEqual(first.portfolio);
    expect(await h.stores.portfolio.listSnapshots('2027-06-01', '2027-06-30')).toEqual([first.portfolio]);
    // The next day's snapshot sees the payment: principal repaid, the loan current again.
    h.clock.set(at('2027-06-21', '06:00'));
    const next = await ageLoans(h.deps, '2027-06-21');
    expect(next.portfolio.total.outstanding).toBeLessThan(300_000);
    expect(next.portfolio.total.buckets.current?.loans).toBe(1);
    expect(next.portfolio.day).toEqual({ chargedOff: { loans: 0, outstanding: 0 }, recoveries: 0 });
  });
});
