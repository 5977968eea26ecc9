import { describe, expect, it } from 'vitest';
import {
  ApplicationAlreadyBooked,
  LoanAlreadyExists,
  LoanVersionConflict,
  PaymentAlreadyApplied,
} from '#shared/errors/domain-errors.ts';
import type { InstallmentRecord, PaymentRecord } from '#shared/ports/records.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { applicationFixture, borrowerFixture } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

function payment(loanId: string, paymentId: string, amount: number): PaymentRecord {
  const paidAt = '2027-06-10T03:00:00.000Z';
  return {
    loanId,
    paymentId,
    amount,
    paidAt,
    allocations: [{ installmentNo: 1, fee: 0, penalty: 0, interest: 4_500, principal: amount - 4_500 }],
    credit: 0,
    appliedAt: paidAt,
  };
}

/** The first installment fully paid, as the payment core would hand it over. */
function paidFirst(installments: InstallmentRecord[]): InstallmentRecord {
  const first = installments[0] as InstallmentRecord;
  return {
    ...first,
    principalPaid: first.principalDue,
    interestPaid: first.interestDue,
    feePaid: first.feeDue,
    paidOn: first.dueDate,
  };
}

/** The LoanStore contract: booking once per loan and per application, payments once per id, version checks. */
function loanStoreContract(target: Target): void {
  const stores = useStores(target);

  it('books a loan with its schedule and reads both back, installments in order', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('book') });
    await stores().loans.book(loan, [...installments].reverse());
    expect(await stores().loans.getLoan(loan.loanId)).toEqual(loan);
    const read = await stores().loans.getLoanWithInstallments(loan.loanId);
    expect(read).toEqual({ loan, installments });
    expect(read?.installments.map((i) => i.installmentNo)).toEqual([1, 2, 3]);
  });

  it('answers undefined for a loan or payment that does not exist', async () => {
    expect(await stores().loans.getLoan(unique('none'))).toBeUndefined();
    expect(await stores().loans.getLoanWithInstallments(unique('none'))).toBeUndefined();
    expect(await stores().loans.getPayment(unique('none'), 'p1')).toBeUndefined();
  });

  it('leaves out fields given as undefined, as a stored record has none', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('undef'), productId: undefined });
    await stores().loans.book(loan, installments);
    const read = await stores().loans.getLoan(loan.loanId);
    expect(read && 'productId' in read).toBe(false);
    expect(read && 'applicationId' in read).toBe(false);
  });

  it('refuses a loan id taken with LoanAlreadyExists and keeps the first booking', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('twice') });
    await stores().loans.book(loan, installments);
    const again = loanFixture({ loanId: loan.loanId, principal: 999 }, { principal: 100_000 });
    await expect(stores().loans.book(again.loan, again.installments)).rejects.toBeInstanceOf(
      LoanAlreadyExists,
    );
    expect(await stores().loans.getLoanWithInstallments(loan.loanId)).toEqual({ loan, installments });
  });

  it('marks the application booked, and refuses a second loan from it with ApplicationAlreadyBooked', async () => {
    const app = applicationFixture({ applicationId: unique('app') });
    await stores().applications.saveDecisionWithBorrower(app, borrowerFixture({ borrowerId: unique('u') }));
    const first = loanFixture({ loanId: unique('from-app'), applicationId: app.applicationId });
    await stores().loans.book(first.loan, first.installments);
    expect(await stores().applications.get(app.applicationId)).toEqual({ ...app, loanId: first.loan.loanId });

    const second = loanFixture({ loanId: unique('from-app'), applicationId: app.applicationId });
    await expect(stores().loans.book(second.loan, second.installments)).rejects.toBeInstanceOf(
      ApplicationAlreadyBooked,
    );
    expect(await stores().loans.getLoan(second.loan.loanId)).toBeUndefined();
    expect((await stores().applications.get(app.applicationId))?.loanId).toBe(first.loan.loanId);
  });

  it('answers a retried booking (same loan, same application) with ApplicationAlreadyBooked', async () => {
    const app = applicationFixture({ applicationId: unique('app') });
    await stores().applications.saveDecisionWithBorrower(app, borrowerFixture({ borrowerId: unique('u') }));
    const { loan, installments } = loanFixture({ loanId: unique('retry'), applicationId: app.applicationId });
    await stores().loans.book(loan, installments);
    await expect(stores().loans.book(loan, installments)).rejects.toBeInstanceOf(ApplicationAlreadyBooked);
  });

  it('refuses a loan from an application that was never stored, and writes nothing', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('ghost'), applicationId: unique('no-app') });
    await expect(stores().loans.book(loan, installments)).rejects.toBeInstanceOf(ApplicationAlreadyBooked);
    expect(await stores().loans.getLoan(loan.loanId)).toBeUndefined();
    expect(await stores().applications.get(loan.applicationId as string)).toBeUndefined();
  });

  it('applies a payment with the loan and its changed installments, the loan one version on', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('pay') });
    await stores().loans.book(loan, installments);
    const paid = paidFirst(installments);
    const p = payment(loan.loanId, 'p1', paid.amountDue);
    // The stored version follows the version the write was checked against, whatever the record says.
    await stores().loans.applyPayment(p, { ...loan, creditBalance: 7 }, 1, [paid]);
    expect(await stores().loans.getPayment(loan.loanId, 'p1')).toEqual(p);
    const read = await stores().loans.getLoanWithInstallments(loan.loanId);
    expect(read?.loan).toEqual({ ...loan, creditBalance: 7, version: 2 });
    expect(read?.installments).toEqual([paid, ...installments.slice(1)]);
  });

  it('applies a payment id once: again is PaymentAlreadyApplied and changes nothing', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('pay-once') });
    await stores().loans.book(loan, installments);
    const paid = paidFirst(installments);
    await stores().loans.applyPayment(payment(loan.loanId, 'p1', paid.amountDue), loan, 1, [paid]);
    const before = await stores().loans.getLoanWithInstallments(loan.loanId);

    const second = installments[1] as InstallmentRecord;
    await expect(
      stores().loans.applyPayment(payment(loan.loanId, 'p1', 5), { ...loan, version: 2 }, 2, [
        { ...second, principalPaid: 5 },
      ]),
    ).rejects.toBeInstanceOf(PaymentAlreadyApplied);
    expect(await stores().loans.getLoanWithInstallments(loan.loanId)).toEqual(before);
    expect((await stores().loans.getPayment(loan.loanId, 'p1'))?.amount).toBe(paid.amountDue);
  });

  it('reports a payment id taken before a stale version when both stand in the way', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('pay-both') });
    await stores().loans.book(loan, installments);
    await stores().loans.applyPayment(payment(loan.loanId, 'p1', 100), loan, 1, []);
    await expect(
      stores().loans.applyPayment(payment(loan.loanId, 'p1', 100), loan, 1, []),
    ).rejects.toBeInstanceOf(PaymentAlreadyApplied);
  });

  it('refuses a payment on a stale version with LoanVersionConflict and records nothing', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('stale') });
    await stores().loans.book(loan, installments);
    await stores().loans.saveInstallments(loan, 1, []);
    const paid = paidFirst(installments);
    await expect(
      stores().loans.applyPayment(payment(loan.loanId, 'late', paid.amountDue), loan, 1, [paid]),
    ).rejects.toBeInstanceOf(LoanVersionConflict);
    expect(await stores().loans.getPayment(loan.loanId, 'late')).toBeUndefined();
    const read = await stores().loans.getLoanWithInstallments(loan.loanId);
    expect(read?.loan.version).toBe(2);
    expect(read?.installments).toEqual(installments);
  });

  it('saves changed installments under the version check, and refuses a stale or missing loan', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('save') });
    await stores().loans.book(loan, installments);
    const redated = installments.map((i) => ({ ...i, dueDate: `${i.dueDate.slice(0, 8)}28` }));
    await stores().loans.saveInstallments({ ...loan, nonPerformingSince: '2027-09-01' }, 1, redated);
    const read = await stores().loans.getLoanWithInstallments(loan.loanId);
    expect(read).toEqual({
      loan: { ...loan, nonPerformingSince: '2027-09-01', version: 2 },
      installments: redated,
    });

    await expect(stores().loans.saveInstallments(loan, 1, installments)).rejects.toBeInstanceOf(
      LoanVersionConflict,
    );
    expect((await stores().loans.getLoanWithInstallments(loan.loanId))?.installments).toEqual(redated);
    const missing = loanFixture({ loanId: unique('missing') });
    await expect(stores().loans.saveInstallments(missing.loan, 1, [])).rejects.toBeInstanceOf(
      LoanVersionConflict,
    );
    expect(await stores().loans.getLoan(missing.loan.loanId)).toBeUndefined();
  });

  it('saves the loan alone under the version check, its installments untouched', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('save-loan') });
    await stores().loans.book(loan, installments);
    await stores().loans.saveLoan({ ...loan, status: 'charged_off' }, 1);
    expect(await stores().loans.getLoanWithInstallments(loan.loanId)).toEqual({
      loan: { ...loan, status: 'charged_off', version: 2 },
      installments,
    });
    await expect(stores().loans.saveLoan({ ...loan, creditBalance: 5 }, 1)).rejects.toBeInstanceOf(
      LoanVersionConflict,
    );
    expect((await stores().loans.getLoan(loan.loanId))?.creditBalance).toBe(loan.creditBalance);
    await expect(
      stores().loans.saveLoan(loanFixture({ loanId: unique('missing') }).loan, 1),
    ).rejects.toBeInstanceOf(LoanVersionConflict);
  });

  it('hands out copies: changing what was given or returned changes nothing stored', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('copies') });
    await stores().loans.book(loan, installments);
    const expected = structuredClone({ loan, installments });
    loan.principal = 1;
    (installments[0] as InstallmentRecord).principalPaid = 1;
    const read = await stores().loans.getLoanWithInstallments(loan.loanId);
    if (!read) throw new Error('loan was not stored');
    read.loan.status = 'charged_off';
    (read.installments[0] as InstallmentRecord).feePaid = 1;
    const alone = await stores().loans.getLoan(loan.loanId);
    if (alone) alone.creditBalance = 1;
    expect(await stores().loans.getLoanWithInstallments(loan.loanId)).toEqual(expected);

    const p = payment(loan.loanId, 'p1', 100);
    await stores().loans.applyPayment(p, expected.loan, 1, []);
    const kept = structuredClone(p);
    p.allocations.length = 0;
    const readPayment = await stores().loans.getPayment(loan.loanId, 'p1');
    if (readPayment) readPayment.amount = 1;
    expect(await stores().loans.getPayment(loan.loanId, 'p1')).toEqual(kept);
  });
}

describe.each(targets)('LoanStore on $name', (target) => loanStoreContract(target));
