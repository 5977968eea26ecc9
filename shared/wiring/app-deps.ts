import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Rules } from '#shared/config/rules.ts';
import { createLogger } from '#shared/observability/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeskStore } from '#shared/ports/desk.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { PromiseStore } from '#shared/ports/promises.ts';
import type { IdempotencyRecords, Stores } from '#shared/ports/stores.ts';
import { DeskRepository } from '#shared/storage/desk-repository.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { IdempotencyRepository } from '#shared/storage/idempotency-repository.ts';
import { PromiseRepository } from '#shared/storage/promise-repository.ts';
import { createRepositories } from '#shared/storage/repositories.ts';

/** What every handler needs, built once per container (AWS) or once per process (local). */
export interface AppDeps {
  rules: Rules;
  repos: Stores;
  /** The collection desk's tasks, claims, outcomes, promises and audit trail (the ops API). */
  desk: DeskStore;
  /** Promises to pay from the partner, and their judgment. */
  promises: PromiseStore;
  /** For the `Idempotency-Key` middleware of the partner routes. */
  idempotency: { repository: IdempotencyRecords; clock: Clock; ttlSeconds: number };
  keys: KeyService;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  partners: PartnerDirectory;
  logger: Logger;
  metrics?: Metrics;
  tracer?: Tracer;
}

export interface AppDepsInput {
  dynamodb: DynamoDBClient;
  tableName: string;
  rules: Rules;
  keys: KeyService;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  partners: PartnerDirectory;
  logger?: Logger;
  metrics?: Metrics;
  tracer?: Tracer;
}

export function buildAppDeps(input: AppDepsInput): AppDeps {
  return {
    ...input,
    repos: createRepositories(input.dynamodb, input.tableName, input.rules),
    desk: new DeskRepository(documentClient(input.dynamodb), input.tableName),
    promises: new PromiseRepository(documentClient(input.dynamodb), input.tableName),
    idempotency: {
      repository: new IdempotencyRepository(
        documentClient(input.dynamodb),
        input.tableName,
        input.rules.api.idempotencyInProgressSeconds,
      ),
      clock: input.clock,
      ttlSeconds: input.rules.api.idempotencyTtlHours * 3600,
    },
    logger: input.logger ?? createLogger(),
  };
}

/** What the shared middy chain needs from the app's dependencies. */
export function handlerDeps(
  deps: Pick<AppDeps, 'partners' | 'logger' | 'rules' | 'metrics' | 'tracer'> & {
    idempotency?: AppDeps['idempotency'];
  },
) {
  return {
    partners: deps.partners,
    logger: deps.logger,
    maxBodyBytes: deps.rules.api.maxBodyBytes,
    idempotencyStore: deps.idempotency,
    metrics: deps.metrics,
    tracer: deps.tracer,
  };
}
