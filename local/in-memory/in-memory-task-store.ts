import type { CollectionTask } from '#shared/ports/records.ts';
import type { TaskStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';

/** Tasks for people, in memory: one per task id. */
export class InMemoryTaskStore implements TaskStore {
  /** Keyed as the table keys them: loan, then task id. */
  private readonly tasks = new Map<string, CollectionTask>();

  async createOnce(task: CollectionTask): Promise<boolean> {
    const id = `${task.loanId}|${task.taskId}`;
    if (this.tasks.has(id)) return false;
    this.tasks.set(id, stored(task));
    return true;
  }

  /** Every task recorded, oldest first (for a test's assertions; the port reads none). */
  list(): CollectionTask[] {
    return [...this.tasks.values()].map(stored);
  }
}
