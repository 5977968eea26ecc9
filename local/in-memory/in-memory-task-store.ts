import type { CollectionTask } from '#shared/ports/records.ts';
import type { TaskStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';
import { conditionalCheckFailed } from './dynamodb-errors.ts';

/** Tasks for people, in memory: one per task id. */
export class InMemoryTaskStore implements TaskStore {
  /** Keyed as the table keys them: loan, then task id. */
  private readonly tasks = new Map<string, CollectionTask>();

  async record(task: CollectionTask): Promise<{ handedOver: boolean }> {
    const id = `${task.loanId}|${task.taskId}`;
    const existing = this.tasks.get(id);
    if (existing) return { handedOver: existing.handedOverAt !== undefined };
    this.tasks.set(id, stored(task));
    return { handedOver: false };
  }

  async markHandedOver(loanId: string, taskId: string, at: string): Promise<void> {
    const existing = this.tasks.get(`${loanId}|${taskId}`);
    if (!existing) throw conditionalCheckFailed();
    if (existing.handedOverAt === undefined) existing.handedOverAt = at;
  }

  /** Every task recorded, oldest first (for a test's assertions; the port reads none). */
  list(): CollectionTask[] {
    return [...this.tasks.values()].map(stored);
  }
}
