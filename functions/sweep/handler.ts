import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { SqsContactQueue } from '#shared/adapters/aws/sqs-contact-queue.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { createSweepHandler } from './sweep-handler.ts';

const env = z.object({ CONTACT_QUEUE_URL: z.string().url() }).parse(process.env);
const deps = await awsAppDeps();

export const handler = createSweepHandler({
  ...deps,
  queue: new SqsContactQueue(new SQSClient({}), env.CONTACT_QUEUE_URL),
});
