import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CollectionTask } from '#shared/ports/records.ts';
import type { TaskQueue } from '#shared/ports/task-queue.ts';

/** Tasks for people on their SQS queues, by the queue's name in the rules: ids only, no personal data. */
export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    /** Queue URL by queue name (`rules.collection.agentQueueName`, `legalQueueName`). */
    private readonly queueUrls: Readonly<Record<string, string>>,
  ) {}

  async enqueue(task: CollectionTask): Promise<void> {
    const queueUrl = this.queueUrls[task.queue];
    if (!queueUrl) throw new Error(`no queue URL for ${task.queue}`);
    await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(task) }));
  }
}
