import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ContactQueue } from '#shared/ports/contact.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';

export class QueueSendError extends Error {
  override name = 'QueueSendError';
}

/** SendMessageBatch in tens; entries SQS refused are sent once more, then the sweep fails (and is retried). */
export class SqsContactQueue implements ContactQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: ContactJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 10) {
      let entries = jobs
        .slice(i, i + 10)
        .map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job) }));
      for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
      }
      if (entries.length > 0) throw new QueueSendError(`${entries.length} contact jobs were not queued`);
    }
  }
}
