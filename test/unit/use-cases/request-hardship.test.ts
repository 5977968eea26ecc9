import { describe, expect, it, vi } from 'vitest';
import {
  DeferralTooLong,
  LoanBusy,
  LoanNotFound,
  LoanVersionConflict,
} from '#shared/errors/domain-errors.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import { requestHardship } from '#shared/servicing/request-hardship.ts';
import { eventsOf, type Harness, harness, standingToday } from './harness.ts';

const IDENTITY = 'id-hash-u1';

/** 10:00 in Shanghai on `date`. */
const tenAm = (date: string) => new Date(`${date}T02:00:00.000Z`);

/**
 * A harness at 10:00 on `today` holding partner p1's loan L1: 300,000 fen at 18 % over 3 months from
 * 2027-05-10, installments due 2027-06-10, 07-10 and 08-10.
 */
async function withLoan(today: string): Promise<Harness> {
  const h = harness(tenAm(today));
  await bookLoan(
    h,
    {
      loanId: 'L1',
      partnerId: 'p1',
      borrowerId: 'u1',
      identityHash: IDENTITY,
      terms: {
        principal: 300_000,
        aprBps: 1800,
        termMonths: 3,
        repaymentMethod: 'equal_installment',
        disbursedOn: '2027-05-10',
      },
    },
    tenAm('2027-05-10'),
  );
  h.events.events.length = 0; // LoanBooked is not what these tests look at
  return h;
}

const dueDates = async (h: Harness) =>
  (await h.repos.loans.getLoanWithInstallments('L1'))?.installments.map((i) => i.dueDate);

describe('requestHardship', () => {
  describe('a grant', () => {
    it('stores the plan on the loan and moves every unpaid due date, in one write', async () => {
      const h = await withLoan('2027-06-05');
      const plan = await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
      expect(plan).toMatchObject({
        status: 'granted',
        startsOn: '2027-06-05',
        endsOn: '2027-07-04',
        deferralDays: 30,
      });
      expect(plan.planId).toMatch(/^hs_/);
      expect(await h.repos.loans.getLoan('L1')).toMatchObject({
        version: 2,
        hardshipPlans: [plan],
        oldestUnpaidDueDate: '2027-07-10',
      });
      expect(await dueDates(h)).toEqual(['2027-07-10', '2027-08-09', '2027-09-09']);
    });

    it('moves the installments in the due index with their dates', async () => {
      const h = await withLoan('2027-06-05');
      await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
      expect((await h.repos.dueIndex.findDueInstallments('2027-06-10')).installments).toEqual([]);
      const moved = await h.repos.dueIndex.findDueInstallments('2027-07-10');
      expect(moved.installments.map((i) => [i.loanId, i.installmentNo])).toEqual([['L1', 1]]);
    });

    it('sets the hardship mark on the identity status', async () => {
      const h = await withLoan('2027-06-05');
      await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
      expect((await standingToday(h, IDENTITY)).hardshipLoanIds).toEqual(['L1']);
    });

    it('publishes HardshipGranted, and HARDSHIP_REQUESTED on a loan still current', async () => {
      const h = await withLoan('2027-06-05');
      const plan = await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
      expect(h.events.events).toEqual([
        {
          type: 'HardshipGranted',
          at: tenAm('2027-06-05').toISOString(),
          detail: expect.objectContaining({
            loanId: 'L1',
            partnerId: 'p1',
            planId: plan.planId,
            deferralDays: 30,
            startsOn: '2027-06-05',
            endsOn: '2027-07-04',
          }),
        },
        // Asked on a loan still current: an early warning, named by the plan, in the same write.
        {
          type: 'EarlyWarningRaised',
          at: tenAm('2027-06-05').toISOString(),
          detail: expect.objectContaining({
            loanId: 'L1',
            code: 'HARDSHIP_REQUESTED',
            occurrence: plan.planId,
          }),
        },
      ]);
      expect(h.repos.loans.warningsOf('L1').map((w) => w.code)).toEqual(['HARDSHIP_REQUESTED']);
    });

    it('raises no early warning on a loan already past its grace days', async () => {
      const h = await withLoan('2027-06-15'); // installment 1 is 5 days past due
      await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
      expect(h.events.events.map((e) => e.type)).not.toContain('EarlyWarningRaised');
      expect(h.repos.loans.warningsOf('L1')).toEqual([]);
    });

    it('clears the overdue mark when the new dates leave nothing past due', async () => {
      const h = await withLoan('2027-06-15'); // installment 1 is 5 days past due
      await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
      const status = await standingToday(h, IDENTITY);
      expect(status.overdueLoanIds).toEqual([]);
      expect(status.hardshipLoanIds).toEqual(['L1']);
    });

    it('keeps the overdue mark when the loan is still past due on the new dates', async () => {
      const h = await withLoan('2027-06-25'); // 15 days past due; 5 days moves the date to 06-15
      await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 5 });
      expect(await dueDates(h)).toEqual(['2027-06-15', '2027-07-15', '2027-08-15']);
      expect((await standingToday(h, IDENTITY)).overdueLoanIds).toEqual(['L1']);
    });
  });

  describe('a referral', () => {
    it('stores the referred plan on the loan and leaves the schedule alone', async () => {
      const h = await withLoan('2027-06-05');
      const plan = await requestHardship(h, 'p1', 'L1', { reason: 'unemployment', deferralDays: 30 });
      expect(plan).toMatchObject({
        status: 'referred',
        startsOn: null,
        referralReasons: ['REASON_NEEDS_REVIEW'],
      });
      expect(await h.repos.loans.getLoan('L1')).toMatchObject({ version: 2, hardshipPlans: [plan] });
      expect(await dueDates(h)).toEqual(['2027-06-10', '2027-07-10', '2027-08-10']);
    });

    it("writes the plan without touching the person's exposure record", async () => {
      const h = await withLoan('2027-06-05');
      const save = vi.spyOn(h.repos.loans, 'saveInstallments');
      await requestHardship(h, 'p1', 'L1', { reason: 'unemployment', deferralDays: 30 });
      expect(save).toHaveBeenCalledTimes(1);
      expect(save.mock.calls[0]?.[3]).not.toHaveProperty('exposure');
    });

    it('sets no hardship mark and publishes only HardshipReferred', async () => {
      const h = await withLoan('2027-06-05');
      const plan = await requestHardship(h, 'p1', 'L1', { reason: 'unemployment', deferralDays: 30 });
      expect((await standingToday(h, IDENTITY)).hardshipLoanIds).toEqual([]);
      expect(h.events.events.map((e) => [e.type, e.detail.planId ?? e.detail.occurrence])).toEqual([
        ['HardshipReferred', plan.planId],
        ['EarlyWarningRaised', plan.planId],
      ]);
    });
  });

  it("answers LoanNotFound for another partner's loan, and writes nothing", async () => {
    const h = await withLoan('2027-06-05');
    await expect(
      requestHardship(h, 'p2', 'L1', { reason: 'illness', deferralDays: 30 }),
    ).rejects.toBeInstanceOf(LoanNotFound);
    expect(await h.repos.loans.getLoan('L1')).toMatchObject({ version: 1 });
    expect((await h.repos.loans.getLoan('L1'))?.hardshipPlans).toBeUndefined();
    expect((await standingToday(h, IDENTITY)).hardshipLoanIds).toEqual([]);
    expect(h.events.events).toEqual([]);
  });

  it('answers LoanNotFound for a loan that does not exist', async () => {
    const h = await withLoan('2027-06-05');
    await expect(
      requestHardship(h, 'p1', 'L-none', { reason: 'illness', deferralDays: 30 }),
    ).rejects.toBeInstanceOf(LoanNotFound);
  });

  it('refuses a deferral over the per-plan limit before reading the loan', async () => {
    const h = await withLoan('2027-06-05');
    const reads = vi.spyOn(h.repos.loans, 'getLoanWithInstallments');
    const days = h.rules.hardship.maxDeferralDaysPerPlan + 1;
    await expect(
      requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: days }),
    ).rejects.toBeInstanceOf(DeferralTooLong);
    expect(reads).not.toHaveBeenCalled();
    expect((await h.repos.loans.getLoan('L1'))?.version).toBe(1);
  });

  it('reads again after another writer changed the loan, and grants the plan once', async () => {
    const h = await withLoan('2027-06-05');
    const write = h.repos.loans.saveInstallments.bind(h.repos.loans);
    let bumped = false;
    const spy = vi.spyOn(h.repos.loans, 'saveInstallments').mockImplementation(async (...args) => {
      if (!bumped) {
        bumped = true;
        const loan = await h.repos.loans.getLoan('L1');
        if (!loan) throw new Error('L1 is missing');
        await write(loan, loan.version, []); // the other writer: bumps the version only
      }
      return write(...args);
    });
    const plan = await requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 });
    expect(spy).toHaveBeenCalledTimes(2);
    expect(await h.repos.loans.getLoan('L1')).toMatchObject({ version: 3, hardshipPlans: [plan] });
    expect(await dueDates(h)).toEqual(['2027-07-10', '2027-08-09', '2027-09-09']);
    expect(eventsOf(h, 'HardshipGranted')).toHaveLength(1);
  });

  it('answers LoanBusy after maxWriteAttempts conflicts, having granted nothing', async () => {
    const h = await withLoan('2027-06-05');
    const spy = vi.spyOn(h.repos.loans, 'saveInstallments').mockImplementation(async () => {
      throw new LoanVersionConflict('another writer, every time');
    });
    await expect(requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 })).rejects.toSatisfy(
      (e) => e instanceof LoanBusy && e.cause instanceof LoanVersionConflict,
    );
    expect(spy).toHaveBeenCalledTimes(h.rules.servicing.maxWriteAttempts);
    expect(await h.repos.loans.getLoan('L1')).toMatchObject({ version: 1 });
    expect(eventsOf(h, 'HardshipGranted')).toHaveLength(0);
  });

  it('passes on a store failure that is not a conflict at once, without another attempt', async () => {
    const h = await withLoan('2027-06-05');
    const failure = new Error('the store is unavailable');
    const spy = vi.spyOn(h.repos.loans, 'saveInstallments').mockRejectedValue(failure);
    await expect(requestHardship(h, 'p1', 'L1', { reason: 'illness', deferralDays: 30 })).rejects.toBe(
      failure,
    );
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
