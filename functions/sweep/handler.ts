import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsSliceQueue } from '#shared/adapters/aws/sqs-slice-queue.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { sliceQueueUrlFromEnv } from '#shared/wiring/function-env.ts';
import { createSweepHandler } from './sweep-handler.ts';

const deps = await awsAppDeps();

export const handler = createSweepHandler({
  ...deps,
  slices: new SqsSliceQueue(new SQSClient({}), sliceQueueUrlFromEnv()),
});
