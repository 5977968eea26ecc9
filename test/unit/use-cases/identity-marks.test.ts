import { describe, expect, it } from 'vitest';
import { outstanding } from '#shared/lending/allocation.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { addBorrower, addLoan, type Harness, harness, nineAm } from './harness.ts';

/** The person's overdue mark (what the scoring gate reads) follows the loan as it stands today. */

describe('identity marks', () => {
  it('clears the overdue mark when an installment paid on its due date is posted after the D+1 sweep', async () => {
    const h: Harness = harness(nineAm('2027-06-11'));
    const u1 = await addBorrower(h, { borrowerId: 'u1' });
    await addLoan(h, 'L1', u1, { termMonths: 3, repaymentMethod: 'equal_installment', principal: 300_000 });
    const first = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments[0];
    if (!first) throw new Error('L1 has no installment');
    await sweepReminders(h, '2027-06-11');
    const outcome = await applyPayment(h, 'p1', 'L1', {
      paymentId: 'pay-1',
      amount: outstanding(first).total,
      paidAt: '2027-06-10T18:00:00+08:00',
    });
    expect(outcome).toMatchObject({ applied: true, loanStatus: 'active', daysPastDue: 0 });
    // Nothing is past due, yet the mark stays: every new application is declined OVERDUE_EXISTING.
    expect((await h.repos.borrowers.identityStatus(u1.identityHash)).overdueLoanIds).toEqual([]);
  });
});
