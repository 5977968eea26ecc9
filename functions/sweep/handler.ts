import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsContactQueue } from '#shared/adapters/aws/sqs-contact-queue.ts';
import { awsAppDeps, contactQueueUrlFromEnv } from '#shared/wiring/aws-app-deps.ts';
import { createSweepHandler } from './sweep-handler.ts';

const deps = await awsAppDeps();

export const handler = createSweepHandler({
  ...deps,
  queue: new SqsContactQueue(new SQSClient({}), contactQueueUrlFromEnv()),
});
