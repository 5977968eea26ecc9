import { describe, expect, it } from 'vitest';
import { outstanding } from '#shared/lending/allocation.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { addBorrower, addLoan, type Harness, harness, nineAm, standingToday } from './harness.ts';

/** The person's overdue mark (what the scoring gate reads) follows the loan as it stands today. */

describe('identity marks', () => {
  it('marks the person overdue from 00:00 on D+1 with no sweep, and no longer once paid', async () => {
    const h: Harness = harness(new Date('2027-06-10T15:59:00.000Z')); // 23:59 on the due date, Shanghai
    const u1 = await addBorrower(h, { borrowerId: 'u1' });
    await addLoan(h, 'L1', u1, { termMonths: 3, repaymentMethod: 'equal_installment', principal: 300_000 });
    const first = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments[0];
    if (first?.dueDate !== '2027-06-10') throw new Error('L1 is not due on 2027-06-10');
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual([]);
    h.clock.set(new Date('2027-06-10T16:00:00.000Z')); // 00:00 on D+1
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual(['L1']);
    await applyPayment(h, 'p1', 'L1', {
      paymentId: 'pay-1',
      amount: outstanding(first).total,
      paidAt: '2027-06-11T00:30:00+08:00',
    });
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual([]);
  });

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
    // Nothing is past due, so nothing marks the person: new applications are not declined OVERDUE_EXISTING.
    expect((await standingToday(h, u1.identityHash)).overdueLoanIds).toEqual([]);
  });
});
