import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SliceQueue } from '#shared/ports/slice-queue.ts';
import type { SweepSlice } from '#shared/schemas/sweep-slice.ts';
import { QueueSendError } from './sqs-contact-queue.ts';

/** SendMessageBatch in tens; refused entries are sent once more, then the caller fails (and is retried). */
export class SqsSliceQueue implements SliceQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(slices: SweepSlice[]): Promise<void> {
    for (let i = 0; i < slices.length; i += 10) {
      let entries = slices
        .slice(i, i + 10)
        .map((s, n) => ({ Id: String(n), MessageBody: JSON.stringify(s) }));
      for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
      }
      if (entries.length > 0) throw new QueueSendError(`${entries.length} sweep slices were not queued`);
    }
  }
}
