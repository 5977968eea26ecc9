import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { createLogger } from '#shared/observability/logger.ts';
import { eventBusFromEnv } from '#shared/wiring/function-env.ts';
import { createOutboxPublisherHandler } from './outbox-publisher-handler.ts';

const metrics = new Metrics();

export const handler = createOutboxPublisherHandler({
  bus: eventBusFromEnv(metrics),
  logger: createLogger(),
}).use(logMetrics(metrics));
