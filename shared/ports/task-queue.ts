import type { CollectionTask } from './records.ts';

/** Where tasks for people are handed over (SQS agent and legal queues on AWS; a recorder locally). */
export interface TaskQueue {
  enqueue(task: CollectionTask): Promise<void>;
}
