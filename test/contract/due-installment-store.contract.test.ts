import { describe, expect, it } from 'vitest';
import type { InstallmentRecord } from '#shared/ports/records.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const at = (installments: InstallmentRecord[], no: number) => installments[no - 1] as InstallmentRecord;

/**
 * The DueInstallmentStore contract: exactly the unpaid installments due on a date, by loan id then
 * installment number, following payments and re-dating. Each test has its own disbursement day, so its
 * due dates are its own. Read units are not part of the contract (in memory reads none).
 */
function dueInstallmentStoreContract(target: Target): void {
  const stores = useStores(target);

  it('finds the installments due on a date across loans, in loan and installment order', async () => {
    const ids = [unique('due-b'), unique('due-a'), unique('due-c')];
    const booked = ids.map((loanId) => loanFixture({ loanId }, { disbursedOn: '2031-01-03' }));
    for (const { loan, installments } of booked) await stores().loans.book(loan, installments);
    const other = loanFixture({ loanId: unique('due-other') }, { disbursedOn: '2031-01-04' });
    await stores().loans.book(other.loan, other.installments);

    const due = await stores().dueIndex.findDueInstallments('2031-02-03');
    const expected = booked.map((b) => at(b.installments, 1)).sort((a, b) => (a.loanId < b.loanId ? -1 : 1));
    expect(due.installments).toEqual(expected);
    expect(
      (await stores().dueIndex.findDueInstallments('2031-03-03')).installments.map((i) => i.installmentNo),
    ).toEqual([2, 2, 2]);
    expect((await stores().dueIndex.findDueInstallments('2031-02-02')).installments).toEqual([]);
  });

  it('orders two installments of one loan due the same day by installment number', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('same-day') }, { disbursedOn: '2031-01-05' });
    const sameDay = installments.map((i) => ({ ...i, dueDate: '2031-02-05' }));
    await stores().loans.book(loan, [...sameDay].reverse());
    expect(
      (await stores().dueIndex.findDueInstallments('2031-02-05')).installments.map((i) => i.installmentNo),
    ).toEqual([1, 2, 3]);
  });

  it('drops an installment once paid in full, and keeps one paid in part', async () => {
    const full = loanFixture({ loanId: unique('paid-full') }, { disbursedOn: '2031-01-06' });
    const part = loanFixture({ loanId: unique('paid-part') }, { disbursedOn: '2031-01-06' });
    for (const { loan, installments } of [full, part]) await stores().loans.book(loan, installments);
    const first = at(full.installments, 1);
    await stores().loans.applyPayment(
      {
        loanId: full.loan.loanId,
        paymentId: 'p1',
        amount: first.amountDue,
        paidAt: '2031-02-06T02:00:00.000Z',
        allocations: [],
        credit: 0,
        appliedAt: '2031-02-06T02:00:00.000Z',
      },
      full.loan,
      1,
      [
        {
          ...first,
          principalPaid: first.principalDue,
          interestPaid: first.interestDue,
          feePaid: first.feeDue,
        },
      ],
    );
    const partFirst = { ...at(part.installments, 1), principalPaid: 1 };
    await stores().loans.saveInstallments(part.loan, 1, [partFirst]);

    const due = await stores().dueIndex.findDueInstallments('2031-02-06');
    expect(due.installments).toEqual([partFirst]);
  });

  it('follows a re-dated installment to its new date', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('redated') }, { disbursedOn: '2031-01-07' });
    await stores().loans.book(loan, installments);
    const moved = { ...at(installments, 1), dueDate: '2031-02-21' };
    await stores().loans.saveInstallments(loan, 1, [moved]);
    expect((await stores().dueIndex.findDueInstallments('2031-02-07')).installments).toEqual([]);
    expect((await stores().dueIndex.findDueInstallments('2031-02-21')).installments).toEqual([moved]);
  });

  it('hands out copies', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('due-copy') }, { disbursedOn: '2031-01-08' });
    await stores().loans.book(loan, installments);
    const first = await stores().dueIndex.findDueInstallments('2031-02-08');
    (first.installments[0] as InstallmentRecord).principalPaid = 1;
    expect((await stores().dueIndex.findDueInstallments('2031-02-08')).installments).toEqual([
      at(installments, 1),
    ]);
  });
}

describe.each(targets)('DueInstallmentStore on $name', (target) => dueInstallmentStoreContract(target));
