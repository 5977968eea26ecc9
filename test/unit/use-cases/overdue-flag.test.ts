import { describe, expect, it } from 'vitest';
import { outstanding } from '#shared/lending/allocation.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { decisionOf } from '../../support/scoring.ts';
import {
  addBorrower,
  addLoan,
  applicationBody,
  type Harness,
  harness,
  nineAm,
  standingToday,
} from './harness.ts';

/**
 * The overdue mark through the real flows: the person is overdue from the day after a due date (read from
 * the identity item, whether or not the sweep ran), a payment that cures the loan or pays it off clears
 * it in its own write, and scoring at another partner sees it for the same person.
 */

/** u1 at partner p1, the same person as the fixture application (same ID number), with a 3-month loan. */
async function overdueAtP1(): Promise<{ h: Harness; identityHash: string }> {
  const h = harness(nineAm('2027-06-11'));
  const u1 = await addBorrower(h, { borrowerId: 'u1', idNumber: '310104199307122358' });
  await addLoan(h, 'L1', u1, { termMonths: 3, repaymentMethod: 'equal_installment', principal: 300_000 });
  await sweepReminders(h, '2027-06-11'); // D+1 of the first installment
  return { h, identityHash: u1.identityHash };
}

/** Partner p2 scores the fixture application (the same person) now. */
const scoredAtP2 = async (h: Harness) =>
  (
    await decisionOf(
      h,
      'p2',
      applicationBody((b) => delete b.borrowerId),
      'en',
    )
  ).reasons.map((r) => r.code);

const owedToday = async (h: Harness, which: 'first' | 'all') => {
  const read = await h.repos.loans.getLoanWithInstallments('L1');
  if (!read) throw new Error('L1 missing');
  const insts = which === 'first' ? read.installments.slice(0, 1) : read.installments;
  return insts.reduce((sum, i) => sum + outstanding(i).total, 0);
};

describe('the overdue mark through the flows', () => {
  it('holds at D+1 and declines the same person at another partner with OVERDUE_EXISTING', async () => {
    const { h, identityHash } = await overdueAtP1();
    expect((await standingToday(h, identityHash)).overdueLoanIds).toEqual(['L1']);
    expect((await scoredAtP2(h))[0]).toBe('OVERDUE_EXISTING');
  });

  it('is cleared by a payment that cures the loan, and the person is scored on their merits again', async () => {
    const { h, identityHash } = await overdueAtP1();
    h.clock.set(new Date('2027-06-12T02:00:00Z'));
    const outcome = await applyPayment(h, 'p1', 'L1', {
      paymentId: 'cure',
      amount: await owedToday(h, 'first'),
      paidAt: '2027-06-12T10:00:00+08:00',
    });
    expect(outcome).toMatchObject({ applied: true, loanStatus: 'active', daysPastDue: 0 });
    expect((await standingToday(h, identityHash)).overdueLoanIds).toEqual([]);
    expect(await scoredAtP2(h)).not.toContain('OVERDUE_EXISTING');
  });

  it('stays while a partial payment leaves the loan past due', async () => {
    const { h, identityHash } = await overdueAtP1();
    h.clock.set(new Date('2027-06-12T02:00:00Z'));
    await applyPayment(h, 'p1', 'L1', {
      paymentId: 'part',
      amount: Math.floor((await owedToday(h, 'first')) / 2),
      paidAt: '2027-06-12T10:00:00+08:00',
    });
    expect((await standingToday(h, identityHash)).overdueLoanIds).toEqual(['L1']);
    expect((await scoredAtP2(h))[0]).toBe('OVERDUE_EXISTING');
  });

  it('is cleared by paying the loan off', async () => {
    const { h, identityHash } = await overdueAtP1();
    h.clock.set(new Date('2027-06-20T02:00:00Z'));
    const outcome = await applyPayment(h, 'p1', 'L1', {
      paymentId: 'payoff',
      // Everything scheduled, and more than the penalty accrued since (the rest is held as credit).
      amount: (await owedToday(h, 'all')) + 10_000,
      paidAt: '2027-06-20T10:00:00+08:00',
    });
    expect(outcome).toMatchObject({ applied: true, loanStatus: 'paid_off' });
    expect((await standingToday(h, identityHash)).overdueLoanIds).toEqual([]);
    expect(await scoredAtP2(h)).not.toContain('OVERDUE_EXISTING');
  });
});
