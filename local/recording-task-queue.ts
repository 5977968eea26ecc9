import type { CollectionTask } from '#shared/ports/records.ts';
import type { TaskQueue } from '#shared/ports/task-queue.ts';

/** The agent and legal queues of a local run: the tasks handed over, in order. */
export class RecordingTaskQueue implements TaskQueue {
  readonly tasks: CollectionTask[] = [];

  async enqueue(task: CollectionTask): Promise<void> {
    this.tasks.push(task);
  }
}
