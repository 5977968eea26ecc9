import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { CallCapReached, DeskTaskChanged, InvalidCursor } from '#shared/errors/domain-errors.ts';
import type { AuditRecord } from '#shared/ports/desk.ts';
import type { CollectionTask } from '#shared/ports/records.ts';
import { DeskRepository } from '#shared/storage/desk-repository.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repos: Repositories;
let desk: DeskRepository;
beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
  desk = new DeskRepository(documentClient(table.client), table.tableName);
});
afterAll(() => table.drop());

const now = new Date('2030-06-15T02:00:00.000Z');
let n = 0;
function task(overrides: Partial<CollectionTask> = {}): CollectionTask {
  n += 1;
  return {
    taskId: `task-${n}`,
    type: 'agent_call',
    queue: 'duebell-agent-tasks',
    reason: 'rung',
    loanId: `L-${n}`,
    partnerId: 'p-a',
    borrowerId: `b-${n}`,
    episode: 1,
    rung: 'D+15',
    installmentNo: 1,
    status: 'open',
    createdAt: `2030-06-01T01:00:${String(n % 60).padStart(2, '0')}.000Z`,
    ...overrides,
  };
}
const audit = (t: CollectionTask, action: AuditRecord['action'], userId: string): AuditRecord => ({
  auditId: `aud-${t.taskId}-${userId}-${action}`,
  loanId: t.loanId,
  partnerId: t.partnerId,
  userId,
  at: now.toISOString(),
  action,
  inputs: { taskId: t.taskId },
});
const claimOf = (t: CollectionTask, agentId: string, identityHash = `id-${t.taskId}`) => ({
  task: t,
  agentId,
  leaseUntil: '2030-06-15T02:30:00.000Z',
  callDay: { identityHash, localDate: '2030-06-15', cap: 3 },
  audit: audit(t, 'task.claim', agentId),
});

describe('DeskRepository', () => {
  it('lets exactly one of two agents racing for a task claim it, with one audit record', async () => {
    const t = task();
    await repos.tasks.record(t);
    const results = await Promise.allSettled([desk.claim(claimOf(t, 'a1')), desk.claim(claimOf(t, 'a2'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(DeskTaskChanged);
    const stored = await desk.getTask(t.loanId, t.taskId);
    expect(['a1', 'a2']).toContain(stored?.claimedBy);
    expect(await desk.listAudit(t.loanId)).toHaveLength(1);
  });

  it('counts claims into the borrower’s day and refuses a fourth task, writing nothing', async () => {
    const tasks = [task(), task(), task(), task()];
    for (const t of tasks) await repos.tasks.record(t);
    for (const t of tasks.slice(0, 3)) await desk.claim(claimOf(t, 'a1', 'id-same'));
    expect((await desk.callsOn('id-same', '2030-06-15')).sort()).toEqual(
      tasks
        .slice(0, 3)
        .map((t) => t.taskId)
        .sort(),
    );
    const fourth = tasks[3] as CollectionTask;
    await expect(desk.claim(claimOf(fourth, 'a1', 'id-same'))).rejects.toBeInstanceOf(CallCapReached);
    expect((await desk.getTask(fourth.loanId, fourth.taskId))?.claimedBy).toBeUndefined();
    expect(await desk.listAudit(fourth.loanId)).toEqual([]);
  });

  it('records an outcome, its promise, its audit record and its events together, only for the holder', async () => {
    const t = task();
    await repos.tasks.record(t);
    await desk.claim(claimOf(t, 'a1'));
    const write = {
      task: t,
      outcome: 'promise_to_pay' as const,
      completedAt: '2030-06-15T02:05:00.000Z',
      completedBy: 'a2',
      promise: {
        promiseId: t.taskId,
        loanId: t.loanId,
        partnerId: t.partnerId,
        episode: 1,
        taskId: t.taskId,
        source: 'desk' as const,
        date: '2030-06-20',
        amount: 10_000,
        madeAt: '2030-06-15T02:05:00.000Z',
        madeBy: 'a2',
        status: 'open' as const,
      },
      audit: { ...audit(t, 'task.outcome', 'a2'), at: '2030-06-15T02:05:00.000Z' },
      events: [
        { type: 'AgentTaskCompleted' as const, at: '2030-06-15T02:05:00.000Z', detail: { taskId: t.taskId } },
      ],
    };
    await expect(desk.recordOutcome(write)).rejects.toBeInstanceOf(DeskTaskChanged);
    expect(await desk.listAudit(t.loanId)).toHaveLength(1);
    await desk.recordOutcome({ ...write, completedBy: 'a1', audit: { ...write.audit, userId: 'a1' } });
    expect(await desk.getTask(t.loanId, t.taskId)).toMatchObject({
      status: 'done',
      outcome: 'promise_to_pay',
      completedBy: 'a1',
    });
    expect((await desk.listAudit(t.loanId)).map((a) => a.action)).toEqual(['task.claim', 'task.outcome']);
  });

  it('lists a status with a Query, filtered and paged by an opaque cursor; legal tasks are not listed', async () => {
    const partner = 'p-list';
    const mine = [
      task({ partnerId: partner }),
      task({ partnerId: partner }),
      task({ partnerId: partner, rung: 'D+30' }),
    ];
    for (const t of [...mine, task({ partnerId: partner, type: 'legal_review' })])
      await repos.tasks.record(t);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await desk.listTasks({ status: 'open', partnerId: partner, limit: 2, cursor }, now);
      expect(page.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.tasks.map((t) => t.taskId));
      cursor = page.cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(mine.map((t) => t.taskId).sort());
    const onRung = await desk.listTasks({ status: 'open', partnerId: partner, rung: 'D+30', limit: 10 }, now);
    expect(onRung.tasks.map((t) => t.taskId)).toEqual([mine[2]?.taskId]);
    const before = await desk.listTasks(
      { status: 'open', partnerId: partner, dueBefore: '2000-01-01', limit: 10 },
      now,
    );
    expect(before.tasks).toEqual([]);
    await desk.claim(claimOf(mine[0] as CollectionTask, 'a1'));
    const claimed = await desk.listTasks({ status: 'claimed', partnerId: partner, limit: 10 }, now);
    expect(claimed.tasks.map((t) => t.taskId)).toEqual([mine[0]?.taskId]);
  });

  it('refuses a cursor it did not give, and one of another status', async () => {
    await expect(
      desk.listTasks({ status: 'open', limit: 1, cursor: 'not-a-cursor' }, now),
    ).rejects.toBeInstanceOf(InvalidCursor);
    const t = task();
    await repos.tasks.record(t);
    await repos.tasks.record(task());
    const page = await desk.listTasks({ status: 'open', limit: 1 }, now);
    expect(page.cursor).toBeDefined();
    await expect(
      desk.listTasks({ status: 'done', limit: 1, cursor: page.cursor }, now),
    ).rejects.toBeInstanceOf(InvalidCursor);
  });
});
