import { describe, expect, it } from 'vitest';
import { ApplicationAlreadyBooked, LoanAlreadyExists } from '#shared/errors/domain-errors.ts';
import { bookLoan, saveBooking } from '#shared/servicing/book-loan.ts';
import type { BookLoanInput } from '#shared/servicing/decide-booking.ts';
import { planBooking } from '#shared/servicing/decide-booking.ts';
import { decisionOf } from '../../support/scoring.ts';
import { applicationBody, eventsOf, harness } from './harness.ts';

const NOW = new Date('2027-05-10T02:00:00.000Z');

/** 300,000 fen at 18 % over 3 months from 2027-05-10: due 06-10, 07-10 and 08-10. */
const input = (loanId = 'L1'): BookLoanInput => ({
  loanId,
  partnerId: 'p1',
  borrowerId: 'u1',
  identityHash: 'id-hash-u1',
  productId: 'cash-3m',
  terms: {
    principal: 300_000,
    aprBps: 1800,
    termMonths: 3,
    repaymentMethod: 'equal_installment',
    disbursedOn: '2027-05-10',
  },
});

describe('bookLoan', () => {
  it('stores the loan as given, active at version 1 with nothing paid', async () => {
    const h = harness(NOW);
    const loan = await bookLoan(h, input(), NOW);
    expect(await h.repos.loans.getLoan('L1')).toEqual(loan);
    expect(loan).toMatchObject({
      loanId: 'L1',
      partnerId: 'p1',
      borrowerId: 'u1',
      identityHash: 'id-hash-u1',
      productId: 'cash-3m',
      principal: 300_000,
      status: 'active',
      creditBalance: 0,
      version: 1,
      oldestUnpaidDueDate: '2027-06-10',
      createdAt: NOW.toISOString(),
    });
  });

  it('stores the whole schedule with the loan, each installment carrying who owes it', async () => {
    const h = harness(NOW);
    await bookLoan(h, input(), NOW);
    const installments = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments ?? [];
    expect(installments.map((i) => i.dueDate)).toEqual(['2027-06-10', '2027-07-10', '2027-08-10']);
    expect(installments.reduce((sum, i) => sum + i.principalDue, 0)).toBe(300_000);
    for (const i of installments) {
      expect(i).toMatchObject({
        loanId: 'L1',
        partnerId: 'p1',
        borrowerId: 'u1',
        identityHash: 'id-hash-u1',
      });
      expect(i.principalPaid + i.interestPaid + i.feePaid + i.penaltyPaid).toBe(0);
    }
    expect((await h.repos.dueIndex.findDueInstallments('2027-07-10')).installments).toHaveLength(1);
  });

  it('publishes LoanBooked once the loan is stored', async () => {
    const h = harness(NOW);
    await bookLoan(h, input(), NOW);
    expect(h.events.events).toEqual([
      {
        type: 'LoanBooked',
        at: NOW.toISOString(),
        detail: {
          loanId: 'L1',
          partnerId: 'p1',
          borrowerId: 'u1',
          principal: 300_000,
          aprBps: 1800,
          termMonths: 3,
          repaymentMethod: 'equal_installment',
          firstDueDate: '2027-06-10',
        },
      },
    ]);
  });

  it('refuses a loan id that is taken, keeps the first loan and publishes nothing more', async () => {
    const h = harness(NOW);
    const first = await bookLoan(h, input(), NOW);
    const again = { ...input(), terms: { ...input().terms, principal: 999_999 } };
    await expect(bookLoan(h, again, NOW)).rejects.toBeInstanceOf(LoanAlreadyExists);
    expect(await h.repos.loans.getLoan('L1')).toEqual(first);
    expect(eventsOf(h, 'LoanBooked')).toHaveLength(1);
  });
});

describe('saveBooking', () => {
  it('writes the planned loan and installments and publishes the planned event', async () => {
    const h = harness(NOW);
    const plan = planBooking(input('L2'), NOW, h.rules);
    expect(await saveBooking(h, plan)).toBe(plan.loan);
    expect(await h.repos.loans.getLoanWithInstallments('L2')).toEqual({
      loan: plan.loan,
      installments: plan.installments,
    });
    expect(h.events.events).toEqual([plan.event]);
  });

  it('publishes nothing when the write is refused (an application booked already)', async () => {
    const h = harness(new Date('2027-06-01T02:00:00.000Z'));
    const app = await decisionOf(h, 'p1', applicationBody(), 'en');
    const booking = (loanId: string) =>
      planBooking({ ...input(loanId), applicationId: app.applicationId }, h.clock.now(), h.rules);
    await saveBooking(h, booking('L-first'));
    await expect(saveBooking(h, booking('L-second'))).rejects.toBeInstanceOf(ApplicationAlreadyBooked);
    expect(await h.repos.loans.getLoan('L-second')).toBeUndefined();
    expect(eventsOf(h, 'LoanBooked').map((e) => e.detail.loanId)).toEqual(['L-first']);
  });
});
