import type { Logger } from '@aws-lambda-powertools/logger';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processContactJob, type SenderDeps } from '#shared/reminders/send-contact.ts';
import { contactJobSchema } from '#shared/schemas/contact-job.ts';

/** SQS caps a message's invisibility at 12 hours; a longer deferral is simply deferred again. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export interface SendContactHandlerDeps extends SenderDeps {
  sqs: SQSClient;
  queueUrl: string;
  logger: Logger;
}

/**
 * One job per SQS record. A job to send later (window closed) is hidden until then and reported as a
 * batch-item failure so SQS keeps it; a failed send is reported the same way and retried with backoff.
 */
export function createSendContactHandler(deps: SendContactHandlerDeps) {
  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const job = contactJobSchema.parse(JSON.parse(record.body));
        const outcome = await processContactJob(deps, job);
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
        }
      } catch (err) {
        deps.logger.warn('contact job failed; SQS will retry', {
          errorName: (err as Error).name,
          messageId: record.messageId,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  });
}
