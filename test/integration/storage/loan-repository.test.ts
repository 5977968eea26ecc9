import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import {
  LoanAlreadyExists,
  LoanVersionConflict,
  PaymentAlreadyApplied,
} from '#shared/errors/domain-errors.ts';
import { allocatePayment } from '#shared/lending/allocation.ts';
import type { InstallmentRecord, PaymentRecord } from '#shared/ports/records.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repos: Repositories;

beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
});
afterAll(() => table.drop());

function payment(loanId: string, paymentId: string, amount: number, paidAt: string): PaymentRecord {
  return { loanId, paymentId, amount, paidAt, allocations: [], credit: 0, appliedAt: paidAt };
}

describe('LoanRepository', () => {
  it('books a loan with its schedule and reads it back in installment order', async () => {
    const { loan, installments } = loanFixture({ loanId: 'book-1' });
    await repos.loans.book(loan, installments);
    const read = await repos.loans.getLoanWithInstallments('book-1');
    expect(read?.loan).toEqual(loan);
    expect(read?.installments.map((i) => i.installmentNo)).toEqual([1, 2, 3]);
    expect(read?.installments).toEqual(installments);
  });

  it('refuses to book the same loan id twice and leaves the first booking intact', async () => {
    const { loan, installments } = loanFixture({ loanId: 'book-2' });
    await repos.loans.book(loan, installments);
    const again = loanFixture({ loanId: 'book-2', principal: 999 });
    await expect(repos.loans.book(again.loan, again.installments)).rejects.toBeInstanceOf(LoanAlreadyExists);
    expect((await repos.loans.getLoan('book-2'))?.principal).toBe(loan.principal);
  });

  it('applies a payment once: the same payment id again is refused and changes nothing', async () => {
    const { loan, installments } = loanFixture({ loanId: 'pay-1' });
    await repos.loans.book(loan, installments);
    const first = installments[0] as InstallmentRecord;
    const result = allocatePayment(installments, first.amountDue, first.dueDate);
    const changed = result.installments.filter((_, i) => i === 0) as InstallmentRecord[];
    await repos.loans.applyPayment(
      payment('pay-1', 'p1', first.amountDue, '2027-06-10T11:00:00Z'),
      loan,
      1,
      changed,
    );

    await expect(
      repos.loans.applyPayment(
        payment('pay-1', 'p1', first.amountDue, '2027-06-10T11:00:00Z'),
        { ...loan, version: 2 },
        2,
        changed,
      ),
    ).rejects.toBeInstanceOf(PaymentAlreadyApplied);
    const read = await repos.loans.getLoanWithInstallments('pay-1');
    expect(read?.loan.version).toBe(2);
    expect(read?.installments[0]?.principalPaid).toBe(first.principalDue);
  });

  it('refuses a write based on a stale loan version', async () => {
    const { loan, installments } = loanFixture({ loanId: 'pay-2' });
    await repos.loans.book(loan, installments);
    await repos.loans.saveInstallments(loan, 1, []);
    await expect(
      repos.loans.applyPayment(payment('pay-2', 'late', 100, '2027-06-10T11:00:00Z'), loan, 1, []),
    ).rejects.toBeInstanceOf(LoanVersionConflict);
    expect(await repos.loans.getPayment('pay-2', 'late')).toBeUndefined();
  });
});
