import { describe, expect, it, vi } from 'vitest';
import { defaultRules, loadRules, type Rules } from '#shared/config/rules.ts';
import {
  LoanBusy,
  LoanNotFound,
  LoanVersionConflict,
  PaymentIdConflict,
} from '#shared/errors/domain-errors.ts';
import { isPaid, outstanding } from '#shared/lending/allocation.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import type { InstallmentRecord } from '#shared/ports/records.ts';
import type { PaymentRequest } from '#shared/schemas/servicing.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { eventsOf, type Harness, harness, standingToday } from './harness.ts';

const IDENTITY = 'id-hash-u1';

/** 10:00 in Shanghai on `date`. */
const tenAm = (date: string) => `${date}T02:00:00.000Z`;

/**
 * A harness at 10:00 on `today` holding partner p1's loan L1: 300,000 fen at 18 % over 3 months from
 * 2027-05-10, installments due 2027-06-10, 07-10 and 08-10.
 */
async function withLoan(today = '2027-06-09', rules: Rules = defaultRules): Promise<Harness> {
  const h = harness(new Date(tenAm(today)), rules);
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
    new Date('2027-05-10T02:00:00.000Z'),
  );
  h.events.events.length = 0; // LoanBooked is not what these tests look at
  return h;
}

const pay = (amount: number, paidAt: string, paymentId = 'pay-1'): PaymentRequest => ({
  paymentId,
  amount,
  paidAt,
});

async function installment(h: Harness, no: number): Promise<InstallmentRecord> {
  const found = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments.find(
    (i) => i.installmentNo === no,
  );
  if (!found) throw new Error(`installment ${no} of L1 is missing`);
  return found;
}

const paidOn = (i: InstallmentRecord) => i.principalPaid + i.interestPaid + i.feePaid + i.penaltyPaid;

/** Makes every write of a payment find the loan changed by another writer first, `times` times. */
function concurrentWriter(h: Harness, times = Number.POSITIVE_INFINITY) {
  const write = h.repos.loans.applyPayment.bind(h.repos.loans);
  let bumps = 0;
  const spy = vi.spyOn(h.repos.loans, 'applyPayment').mockImplementation(async (...args) => {
    if (bumps < times) {
      bumps++;
      const loan = await h.repos.loans.getLoan('L1');
      if (!loan) throw new Error('L1 is missing');
      await h.repos.loans.saveLoan(loan, loan.version); // bumps the version, changes nothing else
    }
    return write(...args);
  });
  return { spy, bumps: () => bumps };
}

describe('applyPayment', () => {
  it('stores the payment with its allocation, the paid installment and the loan at the next version', async () => {
    const h = await withLoan();
    const first = await installment(h, 1);
    const owed = outstanding(first).total;
    const outcome = await applyPayment(h, 'p1', 'L1', pay(owed, tenAm('2027-06-09')));
    expect(outcome).toMatchObject({ applied: true, cured: false, loanStatus: 'active', daysPastDue: 0 });
    expect(await h.repos.loans.getPayment('L1', 'pay-1')).toEqual(outcome.payment);
    expect(outcome.payment).toMatchObject({
      amount: owed,
      credit: 0,
      allocations: [{ installmentNo: 1, principal: first.principalDue, interest: first.interestDue }],
    });
    const paid = await installment(h, 1);
    expect(isPaid(paid)).toBe(true);
    expect(paid.paidOn).toBe('2027-06-09');
    expect(paidOn(await installment(h, 2))).toBe(0);
    expect(await h.repos.loans.getLoan('L1')).toMatchObject({
      version: 2,
      oldestUnpaidDueDate: '2027-07-10',
    });
    expect((await h.repos.dueIndex.findDueInstallments('2027-06-10')).installments).toEqual([]);
  });

  it('publishes PaymentReceived for the applied payment', async () => {
    const h = await withLoan();
    await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
    expect(h.events.events).toEqual([
      {
        type: 'PaymentReceived',
        at: tenAm('2027-06-09'),
        detail: expect.objectContaining({
          loanId: 'L1',
          partnerId: 'p1',
          paymentId: 'pay-1',
          amount: 50_000,
        }),
      },
    ]);
  });

  describe('a replay of the same paymentId', () => {
    it('returns the stored payment with applied:false', async () => {
      const h = await withLoan();
      const first = await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      h.clock.advance(60_000);
      const replay = await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      expect(replay.applied).toBe(false);
      expect(replay.payment).toEqual(first.payment);
    });

    it('writes nothing new and publishes nothing', async () => {
      const h = await withLoan();
      await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      const before = await h.repos.loans.getLoanWithInstallments('L1');
      const published = h.events.events.length;
      const writes = vi.spyOn(h.repos.loans, 'applyPayment');
      await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      expect(writes).not.toHaveBeenCalled();
      expect(await h.repos.loans.getLoanWithInstallments('L1')).toEqual(before);
      expect(paidOn(await installment(h, 1))).toBe(50_000);
      expect(h.events.events).toHaveLength(published);
    });
  });

  it('refuses the same paymentId with another amount, and writes nothing', async () => {
    const h = await withLoan();
    await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
    const before = await h.repos.loans.getLoanWithInstallments('L1');
    await expect(applyPayment(h, 'p1', 'L1', pay(60_000, tenAm('2027-06-09')))).rejects.toBeInstanceOf(
      PaymentIdConflict,
    );
    expect(await h.repos.loans.getLoanWithInstallments('L1')).toEqual(before);
    expect((await h.repos.loans.getPayment('L1', 'pay-1'))?.amount).toBe(50_000);
  });

  it("answers LoanNotFound for another partner's loan, and writes nothing", async () => {
    const h = await withLoan();
    await expect(applyPayment(h, 'p2', 'L1', pay(50_000, tenAm('2027-06-09')))).rejects.toBeInstanceOf(
      LoanNotFound,
    );
    expect(await h.repos.loans.getPayment('L1', 'pay-1')).toBeUndefined();
    expect((await h.repos.loans.getLoan('L1'))?.version).toBe(1);
    expect(h.events.events).toEqual([]);
  });

  it('answers LoanNotFound for a loan that does not exist', async () => {
    const h = await withLoan();
    await expect(applyPayment(h, 'p1', 'L-none', pay(50_000, tenAm('2027-06-09')))).rejects.toBeInstanceOf(
      LoanNotFound,
    );
  });

  describe('when another writer changes the loan first', () => {
    it('reads again and applies the payment exactly once', async () => {
      const h = await withLoan();
      const writer = concurrentWriter(h, 1);
      const outcome = await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      expect(outcome.applied).toBe(true);
      expect(writer.spy).toHaveBeenCalledTimes(2);
      expect(paidOn(await installment(h, 1))).toBe(50_000);
      // Booked at 1, bumped to 2 by the other writer, 3 by the payment.
      expect((await h.repos.loans.getLoan('L1'))?.version).toBe(3);
      expect(eventsOf(h, 'PaymentReceived')).toHaveLength(1);
    });

    it('applies two racing payments each once, one after the other', async () => {
      const h = await withLoan();
      await Promise.all([
        applyPayment(h, 'p1', 'L1', pay(30_000, tenAm('2027-06-09'), 'pay-a')),
        applyPayment(h, 'p1', 'L1', pay(20_000, tenAm('2027-06-09'), 'pay-b')),
      ]);
      expect(await h.repos.loans.getPayment('L1', 'pay-a')).toBeDefined();
      expect(await h.repos.loans.getPayment('L1', 'pay-b')).toBeDefined();
      expect(paidOn(await installment(h, 1))).toBe(50_000);
      expect((await h.repos.loans.getLoan('L1'))?.version).toBe(3);
      expect(eventsOf(h, 'PaymentReceived')).toHaveLength(2);
    });

    it('answers as a replay when a request with the same paymentId got there first', async () => {
      const h = await withLoan();
      const write = h.repos.loans.applyPayment.bind(h.repos.loans);
      const spy = vi.spyOn(h.repos.loans, 'applyPayment').mockImplementationOnce(async (...args) => {
        await write(...args); // the other request's write of the same payment
        return write(...args); // this one's: PaymentAlreadyApplied
      });
      const outcome = await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      expect(outcome.applied).toBe(false);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(paidOn(await installment(h, 1))).toBe(50_000);
      // The event went out once, with the write that applied the payment; the replay adds none.
      expect(eventsOf(h, 'PaymentReceived')).toHaveLength(1);
    });

    it.each([
      ['the default rules', defaultRules],
      ['rules allowing 3 attempts', loadRules({ servicing: { maxWriteAttempts: 3 } })],
    ])(
      'answers LoanBusy after maxWriteAttempts conflicts under %s, having written nothing',
      async (_, rules) => {
        const h = await withLoan('2027-06-09', rules);
        const writer = concurrentWriter(h);
        const attempt = applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
        const error = await attempt.catch((err: unknown) => err);
        expect(error).toBeInstanceOf(LoanBusy);
        expect((error as LoanBusy).cause).toBeInstanceOf(LoanVersionConflict);
        expect(writer.spy).toHaveBeenCalledTimes(rules.servicing.maxWriteAttempts);
        expect(await h.repos.loans.getPayment('L1', 'pay-1')).toBeUndefined();
        expect(paidOn(await installment(h, 1))).toBe(0);
        expect(h.events.events).toEqual([]);
      },
    );

    it('passes on a store failure that is not a conflict at once, without another attempt', async () => {
      const h = await withLoan();
      const failure = new Error('the store is unavailable');
      const spy = vi.spyOn(h.repos.loans, 'applyPayment').mockRejectedValue(failure);
      const error = await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09'))).catch(
        (e: unknown) => e,
      );
      expect(error).toBe(failure);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await h.repos.loans.getPayment('L1', 'pay-1')).toBeUndefined();
    });

    it('still applies when the conflicts stop at the last attempt', async () => {
      const h = await withLoan();
      const attempts = h.rules.servicing.maxWriteAttempts;
      const writer = concurrentWriter(h, attempts - 1);
      const outcome = await applyPayment(h, 'p1', 'L1', pay(50_000, tenAm('2027-06-09')));
      expect(outcome.applied).toBe(true);
      expect(writer.spy).toHaveBeenCalledTimes(attempts);
      expect(paidOn(await installment(h, 1))).toBe(50_000);
    });
  });

  describe("the person's overdue mark", () => {
    it('clears when the payment cures the loan, and LoanCured is published', async () => {
      const h = await withLoan('2027-06-20'); // installment 1 is 10 days past due
      expect((await standingToday(h, IDENTITY)).overdueLoanIds).toEqual(['L1']);
      const owed = outstanding(await installment(h, 1)).total;
      const outcome = await applyPayment(h, 'p1', 'L1', pay(owed + 5_000, tenAm('2027-06-20')));
      expect(outcome).toMatchObject({ applied: true, cured: true, daysPastDue: 0 });
      expect((await standingToday(h, IDENTITY)).overdueLoanIds).toEqual([]);
      expect(eventsOf(h, 'LoanCured')).toEqual([
        expect.objectContaining({ detail: expect.objectContaining({ loanId: 'L1', daysPastDueBefore: 10 }) }),
      ]);
    });

    it('stays when the payment leaves the loan past due', async () => {
      const h = await withLoan('2027-06-20');
      const outcome = await applyPayment(h, 'p1', 'L1', pay(10_000, tenAm('2027-06-20')));
      expect(outcome).toMatchObject({ applied: true, cured: false, daysPastDue: 10 });
      expect((await standingToday(h, IDENTITY)).overdueLoanIds).toEqual(['L1']);
      expect(eventsOf(h, 'LoanCured')).toEqual([]);
    });

    it("clears for this loan only when it is paid off, leaving the person's other loans as they are", async () => {
      const h = await withLoan('2027-06-05');
      const other = loanFixture({ loanId: 'L-other', identityHash: IDENTITY });
      await h.repos.loans.book(other.loan, other.installments, {
        exposure: exposureOf(other.loan, other.installments),
        events: [],
      });
      const outcome = await applyPayment(h, 'p1', 'L1', pay(400_000, tenAm('2027-06-05')));
      expect(outcome.loanStatus).toBe('paid_off');
      const loan = await h.repos.loans.getLoan('L1');
      expect(loan).toMatchObject({ status: 'paid_off', creditBalance: outcome.payment.credit });
      expect(loan?.oldestUnpaidDueDate).toBeUndefined();
      expect(Object.keys((await h.repos.borrowers.identityStatus(IDENTITY)).loans)).toEqual(['L-other']);
    });
  });
});
