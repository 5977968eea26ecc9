import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { allocatePayment } from '#shared/lending/allocation.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repos: Repositories;

beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
  // 20 loans disbursed on the 10th (due on the 10th), 5 on the 11th, one month-end loan; each loan
  // has a borrower of its own (the index shards by borrower).
  for (const [prefix, count, disbursedOn] of [
    ['due10', 20, '2027-05-10'],
    ['due11', 5, '2027-05-11'],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const borrowerId = `b-${prefix}-${i}`;
      const { loan, installments } = loanFixture(
        { loanId: `${prefix}-${i}`, borrowerId, identityHash: `id-${borrowerId}` },
        { disbursedOn },
      );
      await repos.loans.book(loan, installments);
    }
  }
  const monthEnd = loanFixture({ loanId: 'month-end' }, { disbursedOn: '2028-01-31' });
  await repos.loans.book(monthEnd.loan, monthEnd.installments);
});
afterAll(() => table.drop());

describe('due-date index', () => {
  it('returns exactly the unpaid installments due on a date, across every shard', async () => {
    const due = await repos.dueIndex.findDueInstallments('2027-06-10');
    expect(due.installments.map((i) => i.loanId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `due10-${i}`).sort(),
    );
    expect(due.installments.every((i) => i.dueDate === '2027-06-10' && i.installmentNo === 1)).toBe(true);
    const other = await repos.dueIndex.findDueInstallments('2027-06-11');
    expect(other.installments).toHaveLength(5);
    expect((await repos.dueIndex.findDueInstallments('2027-06-12')).installments).toHaveLength(0);
  });

  it('spreads one date over more than one shard', async () => {
    // Each shard queried on its own: more than one holds some of the date, and together they hold it all.
    const perShard: string[][] = [];
    for (let shard = 0; shard < defaultRules.schedule.dueIndexShards; shard++) {
      const loanIds: string[] = [];
      let after: string | undefined;
      do {
        const page = await repos.dueIndex.findDuePage('2027-06-10', shard, after, 200);
        loanIds.push(...page.installments.map((i) => i.loanId));
        after = page.next;
      } while (after !== undefined);
      perShard.push(loanIds);
    }
    expect(perShard.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    expect(perShard.flat().sort()).toEqual(Array.from({ length: 20 }, (_, i) => `due10-${i}`).sort());
  });

  it('finds month-end due dates under the clamped date', async () => {
    expect(
      (await repos.dueIndex.findDueInstallments('2028-02-29')).installments.map((i) => i.loanId),
    ).toEqual(['month-end']);
    expect(
      (await repos.dueIndex.findDueInstallments('2028-04-30')).installments.map((i) => i.installmentNo),
    ).toEqual([3]);
  });

  it('drops an installment from the index once it is paid, and keeps a partly paid one', async () => {
    // Loans of this test's own, due on the 13th, so the other tests' loans and dates stay as booked.
    for (const loanId of ['paid-full', 'paid-half', 'paid-none']) {
      const { loan, installments } = loanFixture({ loanId }, { disbursedOn: '2027-05-13' });
      await repos.loans.book(loan, installments);
    }
    for (const [loanId, share] of [
      ['paid-full', 1],
      ['paid-half', 0.5],
    ] as const) {
      const read = await repos.loans.getLoanWithInstallments(loanId);
      if (!read) throw new Error('loan missing');
      const first = read.installments[0];
      if (!first) throw new Error('installment missing');
      const amount = Math.round(first.amountDue * share);
      const result = allocatePayment(read.installments, amount, first.dueDate);
      await repos.loans.applyPayment(
        {
          loanId,
          paymentId: 'p1',
          amount,
          paidAt: '2027-06-13T03:00:00Z',
          allocations: [],
          credit: 0,
          appliedAt: '',
        },
        read.loan,
        read.loan.version,
        result.installments.map((inst, i) => ({ ...read.installments[i], ...inst }) as typeof first),
      );
    }
    const due = await repos.dueIndex.findDueInstallments('2027-06-13');
    expect(due.installments.map((i) => i.loanId).sort()).toEqual(['paid-half', 'paid-none']);
  });
});
