import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalQueue } from '#local/local-sqs.ts';

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** The invocation a piece of code runs in (fault injection kills that one alone). */
export const invocation = new AsyncLocalStorage<{ id: number; dead: boolean; sending?: string }>();
let invocations = 0;

/**
 * Lambda's SQS event source on the simulated clock: receives up to `concurrency` batches of `batchSize`
 * visible at one instant and invokes the handler for each, at once. A batch's messages are deleted
 * except those it reports as failures; an invocation that throws (or was killed) deletes nothing, so
 * its whole batch comes back after the visibility timeout.
 */
export async function deliverOnce(
  queue: LocalQueue,
  handler: SqsHandler,
  at: number,
  options: { batchSize: number; concurrency: number },
): Promise<number> {
  const batches = [];
  for (let i = 0; i < options.concurrency; i++) {
    const batch = queue.receive(at, options.batchSize);
    if (batch.length === 0) break;
    batches.push(batch);
  }
  await Promise.all(
    batches.map(async (batch) => {
      const context = { id: ++invocations, dead: false };
      const event: SQSEvent = {
        Records: batch.map((m) => ({
          messageId: m.messageId,
          receiptHandle: m.receiptHandle,
          body: m.body,
          attributes: { ApproximateReceiveCount: String(m.receives) },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: queue.url,
          awsRegion: 'local',
        })) as SQSEvent['Records'],
      };
      let failed: Set<string>;
      try {
        const answer = await invocation.run(context, () => handler(event));
        if (context.dead) return; // it died: nothing is deleted
        failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch {
        return;
      }
      for (const m of batch) if (!failed.has(m.messageId)) queue.delete(m.receiptHandle);
    }),
  );
  return batches.length;
}
