import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { decidePayment } from '#shared/servicing/decide-payment.ts';
import { loanFixture } from '../../fixtures/loans.ts';

describe('decidePayment: installments settled before the payment', () => {
  it('does not list an installment paid in full earlier that the payment leaves untouched', () => {
    const current = loanFixture({ loanId: 'L1', version: 7 });
    const [first, ...rest] = current.installments;
    if (!first) throw new Error('no installment');
    // Installment 1 (due 2027-06-10) was paid in full on its due date.
    const settled = {
      ...first,
      principalPaid: first.principalDue,
      interestPaid: first.interestDue,
      paidOn: '2027-06-10',
    };
    const d = decidePayment(
      { loan: current.loan, installments: [settled, ...rest] },
      undefined,
      { paymentId: 'pay-2', amount: 5000, paidAt: '2027-07-20T02:00:00.000Z' },
      new Date('2027-07-20T02:00:00.000Z'),
      defaultRules,
    );
    if (d.kind !== 'apply') throw new Error('expected an applied payment');
    expect(d.payment.allocations.map((a) => a.installmentNo)).toEqual([2]);
    // Fails today: installment 1 comes back with penaltyAccruedThrough moved from null to 2027-07-20
    // (accrueLoanPenalty advances it on installments with no principal left), so it is rewritten.
    expect(d.changed.map((i) => i.installmentNo)).toEqual([2]);
  });
});
