import { describe, expect, it } from 'vitest';
import type { CollectionTask } from '#shared/ports/records.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

function taskFixture(overrides: Partial<CollectionTask> & { loanId: string }): CollectionTask {
  return {
    taskId: unique('task'),
    type: 'agent_call',
    queue: 'duebell-agent-tasks',
    reason: 'rung',
    partnerId: 'p-demo',
    borrowerId: 'u1',
    episode: 1,
    rung: 'agent-call',
    installmentNo: 1,
    status: 'open',
    createdAt: '2030-06-15T01:00:00.000Z',
    ...overrides,
  };
}

/** The TaskStore contract: one task per id, and whether it was handed over, however often a step is retried. */
function taskStoreContract(target: Target): void {
  const stores = useStores(target);

  it('records a task once per id: a retry finds it, not handed over yet, whatever else it says', async () => {
    const loanId = unique('L');
    const taskId = unique('task');
    expect(await stores().tasks.record(taskFixture({ loanId, taskId }))).toEqual({ handedOver: false });
    expect(await stores().tasks.record(taskFixture({ loanId, taskId, type: 'legal_review' }))).toEqual({
      handedOver: false,
    });
  });

  it('answers handed over once it is marked, and keeps the first instant it was', async () => {
    const loanId = unique('L');
    const taskId = unique('task');
    await stores().tasks.record(taskFixture({ loanId, taskId }));
    await stores().tasks.markHandedOver(loanId, taskId, '2030-06-15T01:00:01.000Z');
    await stores().tasks.markHandedOver(loanId, taskId, '2030-06-15T01:00:02.000Z');
    expect(await stores().tasks.record(taskFixture({ loanId, taskId }))).toEqual({ handedOver: true });
  });

  it('refuses to mark a task that was never recorded', async () => {
    await expect(stores().tasks.markHandedOver(unique('L'), unique('task'), 'x')).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
  });

  it('keeps two tasks of one rung apart (a legal review beside an agent call), and other loans', async () => {
    const loanId = unique('L');
    await stores().tasks.record(taskFixture({ loanId, taskId: 'L-e1-D+30-agent' }));
    await stores().tasks.markHandedOver(loanId, 'L-e1-D+30-agent', 'x');
    expect(await stores().tasks.record(taskFixture({ loanId, taskId: 'L-e1-D+30-task' }))).toEqual({
      handedOver: false,
    });
    const other = unique('L');
    expect(await stores().tasks.record(taskFixture({ loanId: other, taskId: 'L-e1-D+30-agent' }))).toEqual({
      handedOver: false,
    });
  });

  it('leaves the loan it is about as it was', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('L') });
    await stores().loans.book(loan, installments);
    await stores().tasks.record(taskFixture({ loanId: loan.loanId }));
    expect(await stores().loans.getLoanWithInstallments(loan.loanId)).toEqual({ loan, installments });
    await stores().loans.saveLoan(loan, 1);
    expect((await stores().loans.getLoan(loan.loanId))?.version).toBe(2);
  });
}

describe.each(targets)('TaskStore on $name', (target) => taskStoreContract(target));
