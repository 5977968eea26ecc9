import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsContactQueue } from '#shared/adapters/aws/sqs-contact-queue.ts';
import { SqsSliceQueue } from '#shared/adapters/aws/sqs-slice-queue.ts';
import { StepFunctionsWorkflow } from '#shared/adapters/aws/step-functions-workflow.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import {
  contactQueueUrlFromEnv,
  sliceQueueUrlFromEnv,
  stateMachineArnFromEnv,
} from '#shared/wiring/function-env.ts';
import { createSweepSliceHandler } from './sweep-slice-handler.ts';

const deps = await awsAppDeps();
const sqs = new SQSClient({});

export const handler = createSweepSliceHandler({
  ...deps,
  queue: new SqsContactQueue(sqs, contactQueueUrlFromEnv()),
  slices: new SqsSliceQueue(sqs, sliceQueueUrlFromEnv()),
  workflow: new StepFunctionsWorkflow(new SFNClient({}), stateMachineArnFromEnv()),
});
