import { createLogger } from '#shared/observability/logger.ts';
import { eventBusFromEnv } from '#shared/wiring/aws-app-deps.ts';
import { createOutboxPublisherHandler } from './outbox-publisher-handler.ts';

export const handler = createOutboxPublisherHandler({ bus: eventBusFromEnv(), logger: createLogger() });
