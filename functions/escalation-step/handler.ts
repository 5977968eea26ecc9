import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { LoggedContactLog } from '#shared/adapters/aws/logged-contact-log.ts';
import { SqsContactQueue } from '#shared/adapters/aws/sqs-contact-queue.ts';
import { SqsTaskQueue } from '#shared/adapters/aws/sqs-task-queue.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { contactQueueUrlFromEnv } from '#shared/wiring/function-env.ts';
import { createEscalationStepHandler } from './escalation-step-handler.ts';

const env = z
  .object({ AGENT_QUEUE_URL: z.string().url(), LEGAL_QUEUE_URL: z.string().url() })
  .parse(process.env);
const deps = await awsAppDeps();
const sqs = deps.tracer?.captureAWSv3Client(new SQSClient({})) ?? new SQSClient({});
const { agentQueueName, legalQueueName } = deps.rules.collection;

export const handler = createEscalationStepHandler({
  ...deps,
  contactQueue: new SqsContactQueue(sqs, contactQueueUrlFromEnv()),
  taskQueue: new SqsTaskQueue(sqs, {
    [agentQueueName]: env.AGENT_QUEUE_URL,
    [legalQueueName]: env.LEGAL_QUEUE_URL,
  }),
  log: new LoggedContactLog(deps.logger, deps.metrics),
  // The step never starts episodes; the sweep and the ageing job do.
  workflow: { start: async () => 'already-started' },
});
if (deps.metrics) handler.use(logMetrics(deps.metrics));
