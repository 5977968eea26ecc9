import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { allocatePayment } from '#shared/lending/allocation.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { dueShardKey } from '#shared/storage/keys.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { DUE_INDEX } from '#shared/storage/table-definition.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repos: Repositories;

beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
  // 20 loans disbursed on the 10th (due on the 10th), 5 on the 11th, one month-end loan.
  for (let i = 0; i < 20; i++) {
    const { loan, installments } = loanFixture({ loanId: `due10-${i}` }, { disbursedOn: '2027-05-10' });
    await repos.loans.book(loan, installments);
  }
  for (let i = 0; i < 5; i++) {
    const { loan, installments } = loanFixture({ loanId: `due11-${i}` }, { disbursedOn: '2027-05-11' });
    await repos.loans.book(loan, installments);
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
    // Ask the index itself, shard by shard, where the installments due on the 10th were written.
    const db = documentClient(table.client);
    const perShard: string[][] = [];
    for (let shard = 0; shard < defaultRules.schedule.dueIndexShards; shard++) {
      const out = await db.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'dueShard = :shard',
          ExpressionAttributeValues: { ':shard': dueShardKey('2027-06-10', shard) },
        }),
      );
      perShard.push((out.Items ?? []).map((item) => item.loanId as string));
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
    // Loans of this test's own, due on the 12th, so the other tests' loans stay as they were booked.
    for (const loanId of ['paid-full', 'paid-half', 'paid-none']) {
      const { loan, installments } = loanFixture({ loanId }, { disbursedOn: '2027-05-12' });
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
          paidAt: '2027-06-12T03:00:00Z',
          allocations: [],
          credit: 0,
          appliedAt: '',
        },
        read.loan,
        read.loan.version,
        result.installments.map((inst, i) => ({ ...read.installments[i], ...inst }) as typeof first),
      );
    }
    const due = await repos.dueIndex.findDueInstallments('2027-06-12');
    expect(due.installments.map((i) => i.loanId)).toEqual(['paid-half', 'paid-none']);
  });
});
