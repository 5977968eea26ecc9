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

/** The TaskStore contract: one task per id (the id names loan, episode, rung and purpose), however often a step is retried. */
function taskStoreContract(target: Target): void {
  const stores = useStores(target);

  it('records a task once per id, whatever else a retry says', async () => {
    const loanId = unique('L');
    const taskId = unique('task');
    expect(await stores().tasks.createOnce(taskFixture({ loanId, taskId }))).toBe(true);
    expect(await stores().tasks.createOnce(taskFixture({ loanId, taskId, type: 'legal_review' }))).toBe(
      false,
    );
    expect(await stores().tasks.createOnce(taskFixture({ loanId, taskId }))).toBe(false);
  });

  it('keeps two tasks of one rung apart (a legal review beside an agent call), and other loans', async () => {
    const loanId = unique('L');
    expect(await stores().tasks.createOnce(taskFixture({ loanId, taskId: 'L-e1-D+30-agent' }))).toBe(true);
    expect(await stores().tasks.createOnce(taskFixture({ loanId, taskId: 'L-e1-D+30-task' }))).toBe(true);
    expect(
      await stores().tasks.createOnce(taskFixture({ loanId: unique('L'), taskId: 'L-e1-D+30-task' })),
    ).toBe(true);
  });

  it('leaves the loan it is about as it was', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('L') });
    await stores().loans.book(loan, installments);
    await stores().tasks.createOnce(taskFixture({ loanId: loan.loanId }));
    expect(await stores().loans.getLoanWithInstallments(loan.loanId)).toEqual({ loan, installments });
    await stores().loans.saveLoan(loan, 1);
    expect((await stores().loans.getLoan(loan.loanId))?.version).toBe(2);
  });
}

describe.each(targets)('TaskStore on $name', (target) => taskStoreContract(target));
