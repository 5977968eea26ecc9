import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsContactQueue } from '#shared/adapters/aws/sqs-contact-queue.ts';
import { StepFunctionsWorkflow } from '#shared/adapters/aws/step-functions-workflow.ts';
import { awsAppDeps, contactQueueUrlFromEnv, stateMachineArnFromEnv } from '#shared/wiring/aws-app-deps.ts';
import { createSweepHandler } from './sweep-handler.ts';

const deps = await awsAppDeps();

export const handler = createSweepHandler({
  ...deps,
  queue: new SqsContactQueue(new SQSClient({}), contactQueueUrlFromEnv()),
  workflow: new StepFunctionsWorkflow(new SFNClient({}), stateMachineArnFromEnv()),
});
