import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LoggedContactLog } from '#shared/adapters/aws/logged-contact-log.ts';
import { StepFunctionsWorkflow } from '#shared/adapters/aws/step-functions-workflow.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { stateMachineArnFromEnv } from '#shared/wiring/function-env.ts';
import { createAgeingHandler } from './ageing-handler.ts';

const deps = await awsAppDeps();
const traced = <T>(client: T): T => deps.tracer?.captureAWSv3Client(client) ?? client;

export const handler = createAgeingHandler({
  ...deps,
  workflow: new StepFunctionsWorkflow(traced(new SFNClient({})), stateMachineArnFromEnv()),
  // The ageing job queues no messages and hands over no tasks: it only starts episodes.
  contactQueue: { enqueue: async () => {} },
  taskQueue: { enqueue: async () => {} },
  log: new LoggedContactLog(deps.logger, deps.metrics),
});
if (deps.metrics) handler.use(logMetrics(deps.metrics));
