import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/lending/calendar.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import { requestHardship } from '#shared/servicing/request-hardship.ts';
import { addBorrower, addLoan, type Harness, harness, nineAm, standingToday } from './harness.ts';

/**
 * Reminders for a loan under a granted hardship plan: the re-dated installment gets no reminder on its
 * old dates (not the overdue ones either, and no overdue mark), and D-3, D-1 and D0 on its new date.
 */

/** The stages and due dates the sweep of `date` queued for L1. */
async function sweep(h: Harness, date: string): Promise<string[]> {
  h.clock.set(nineAm(date));
  const before = h.queue.jobs.length;
  await sweepReminders(h, date);
  return h.queue.jobs
    .slice(before)
    .filter((j) => j.items.some((i) => i.loanId === 'L1'))
    .map((j) => `${j.stage} ${j.channel} ${j.items.find((i) => i.loanId === 'L1')?.dueDate}`);
}

/** u1's one-month loan L1, due 2027-06-10, with a 20-day illness deferral asked for on `askedOn`. */
async function deferred(askedOn: string): Promise<Harness> {
  const h = harness(nineAm(askedOn));
  const u1 = await addBorrower(h, { borrowerId: 'u1' });
  await addLoan(h, 'L1', u1);
  h.clock.set(new Date(`${askedOn}T02:00:00Z`));
  const plan = await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 20 });
  expect(plan.status).toBe('granted');
  return h;
}

describe('reminders under a hardship plan', () => {
  it('sends nothing on the old dates and the pre-due reminders on the new one, for a plan granted before the due date', async () => {
    const h = await deferred('2027-06-05');
    // The old D-3, D-1, D0, D+1 and D+3 pass in silence.
    for (const date of ['2027-06-07', '2027-06-09', '2027-06-10', '2027-06-11', '2027-06-13']) {
      expect(await sweep(h, date), date).toEqual([]);
    }
    expect(await sweep(h, '2027-06-27')).toEqual(['D-3 sms 2027-06-30']);
    expect(await sweep(h, '2027-06-29')).toEqual(['D-1 sms 2027-06-30']);
    expect((await sweep(h, '2027-06-30')).sort()).toEqual(['D0 email 2027-06-30', 'D0 sms 2027-06-30']);
  });

  it('stops the overdue reminders of a loan already past due, and reminds again before its new date', async () => {
    // Granted at D+2 (DPD ≤ 30, illness): the installment moves to 2027-06-30.
    const h = await deferred('2027-06-12');
    const identityHash = (await h.repos.loans.getLoanWithInstallments('L1'))?.loan.identityHash ?? '';
    for (let day = 13; day <= 26; day++) {
      const date = addDays('2027-06-12', day - 12);
      expect(await sweep(h, date), date).toEqual([]);
    }
    expect((await standingToday(h, identityHash)).overdueLoanIds).toEqual([]);
    expect(await sweep(h, '2027-06-27')).toEqual(['D-3 sms 2027-06-30']);
    // Every day is swept (a skipped day would be caught up by the next sweep).
    expect(await sweep(h, '2027-06-28')).toEqual([]);
    expect(await sweep(h, '2027-06-29')).toEqual(['D-1 sms 2027-06-30']);
    expect((await sweep(h, '2027-06-30')).sort()).toEqual(['D0 email 2027-06-30', 'D0 sms 2027-06-30']);
    // And after the new date passes unpaid, the overdue stages run from it.
    expect(await sweep(h, '2027-07-01')).toEqual(['D+1 sms 2027-06-30']);
    expect((await standingToday(h, identityHash)).overdueLoanIds).toEqual(['L1']);
  });
});
