import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { countBy } from '#shared/observability/metrics.ts';
import { processContactJobs, type SenderDeps } from '#shared/reminders/send-contact.ts';
import { parseJsonOrUndefined } from '#shared/schemas/common.ts';
import { type ContactJob, contactJobSchema } from '#shared/schemas/contact-job.ts';

/** SQS caps a message's invisibility at 12 hours; a longer deferral is simply deferred again. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;
/** SQS caps a message's delay at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/** A throttled job's delay: 30 s doubling per throttle, up to SQS's 15 minutes, with jitter. */
export function throttleDelaySeconds(throttled: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_SECONDS, 30 * 2 ** throttled);
  return Math.max(1, Math.min(MAX_DELAY_SECONDS, Math.round(base * (0.75 + random() * 0.5))));
}

export interface SendContactHandlerDeps extends SenderDeps {
  sqs: SQSClient;
  queueUrl: string;
  logger: Logger;
  /** `MessagesSent` and `ContactJobsFailed` by channel: the carrier failure rate's two sides. */
  metrics?: Metrics;
}

/**
 * One job per SQS record, the batch read and claimed together. A job to send later (window closed) is
 * hidden until then and reported as a batch-item failure so SQS keeps it; a failed send is reported the
 * same way and retried with backoff. A job the carrier throttled goes back as a new message delayed by
 * a growing backoff, and this delivery is acknowledged: a throttle storm of any length does not use up
 * the receive count (ChangeMessageVisibility would not reset it), so nothing reaches the DLQ for it.
 */
export function createSendContactHandler(deps: SendContactHandlerDeps) {
  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const valid: { record: SQSRecord; job: ContactJob }[] = [];
    for (const record of event.Records) {
      const parsed = contactJobSchema.safeParse(parseJsonOrUndefined(record.body));
      // A malformed job fails every time: after maxReceiveCount it rests in the DLQ, where the alarm sees it.
      if (parsed.success) valid.push({ record, job: parsed.data });
      else failures.push({ itemIdentifier: record.messageId });
    }
    const outcomes = await processContactJobs(
      deps,
      valid.map((v) => v.job),
    );
    for (const [i, outcome] of outcomes.entries()) {
      const { record, job } = valid[i] as { record: SQSRecord; job: ContactJob };
      if (outcome.kind === 'done' && outcome.sent > 0)
        countBy(deps.metrics, 'MessagesSent', { channel: job.channel });
      if (outcome.kind === 'failed') countBy(deps.metrics, 'ContactJobsFailed', { channel: job.channel });
      if (outcome.kind === 'throttled')
        countBy(deps.metrics, 'ContactJobsThrottled', { channel: job.channel });
      if (outcome.kind === 'retry-at') {
        const seconds = Math.ceil((outcome.at.getTime() - deps.clock.now().getTime()) / 1000);
        await deps.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: deps.queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, seconds)),
          }),
        );
        failures.push({ itemIdentifier: record.messageId });
      } else if (outcome.kind === 'throttled') {
        const throttled = (job.throttled ?? 0) + 1;
        await deps.sqs.send(
          new SendMessageCommand({
            QueueUrl: deps.queueUrl,
            MessageBody: JSON.stringify({ ...job, throttled }),
            DelaySeconds: throttleDelaySeconds(throttled - 1),
          }),
        );
      } else if (outcome.kind === 'failed') {
        deps.logger.warn('contact job failed; SQS will retry', {
          errorName: (outcome.error as Error)?.name,
          messageId: record.messageId,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  });
}
