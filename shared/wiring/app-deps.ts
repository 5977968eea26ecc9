import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Rules } from '#shared/config/rules.ts';
import { createLogger } from '#shared/observability/logger.ts';
import type { BorrowerRightsStore } from '#shared/ports/borrower-rights.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ComplaintStore } from '#shared/ports/complaints.ts';
import type { DeskStore } from '#shared/ports/desk.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { LoanFiles } from '#shared/ports/loan-files.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { PromiseStore } from '#shared/ports/promises.ts';
import type { ReviewStore } from '#shared/ports/reviews.ts';
import type { IdempotencyRecords, Stores } from '#shared/ports/stores.ts';
import type { SupervisionStore } from '#shared/ports/supervision.ts';
import type { WatchlistStore } from '#shared/ports/watchlist.ts';
import { BorrowerRightsRepository } from '#shared/storage/borrower-rights-repository.ts';
import { ComplaintRepository } from '#shared/storage/complaint-repository.ts';
import { DeskRepository } from '#shared/storage/desk-repository.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { IdempotencyRepository } from '#shared/storage/idempotency-repository.ts';
import { LoanFileRepository } from '#shared/storage/loan-file-repository.ts';
import { PromiseRepository } from '#shared/storage/promise-repository.ts';
import { createRepositories } from '#shared/storage/repositories.ts';
import { ReviewRepository } from '#shared/storage/review-repository.ts';
import { SupervisionRepository } from '#shared/storage/supervision-repository.ts';
import { WatchlistRepository } from '#shared/storage/watchlist-repository.ts';

/** What every handler needs, built once per container (AWS) or once per process (local). */
export interface AppDeps {
  rules: Rules;
  repos: Stores;
  /** The collection desk's tasks, claims, outcomes, promises and audit trail (the ops API). */
  desk: DeskStore;
  /** Complaints: inbound messages that were not opt-outs, for the desk to answer. */
  complaints: ComplaintStore;
  /** Reviews of automated declines by a person (PIPL Art. 24). */
  reviews: ReviewStore;
  /** Borrowers' rights: what is held about a person, and its erasure (PIPL Art. 45, 47). */
  borrowerRights: BorrowerRightsStore;
  /** A loan's whole file, for the desk's loan view. */
  loanFiles: LoanFiles;
  /** Promises to pay from the partner, and their judgment. */
  promises: PromiseStore;
  /** The early-warning watchlist: the desk's list and the daily clearing pass. */
  watchlist: WatchlistStore;
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
  /** The supervisor's actions on loans (hardship decisions, restructuring, waivers, bulk deferral). */
  supervision: SupervisionStore;
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
  const repos = createRepositories(input.dynamodb, input.tableName, input.rules);
  return {
    ...input,
    repos,
    desk: new DeskRepository(documentClient(input.dynamodb), input.tableName),
    complaints: new ComplaintRepository(documentClient(input.dynamodb), input.tableName),
    reviews: new ReviewRepository(documentClient(input.dynamodb), input.tableName),
    borrowerRights: new BorrowerRightsRepository(documentClient(input.dynamodb), input.tableName),
    loanFiles: new LoanFileRepository(documentClient(input.dynamodb), input.tableName),
    promises: new PromiseRepository(documentClient(input.dynamodb), input.tableName),
    watchlist: new WatchlistRepository(documentClient(input.dynamodb), input.tableName),
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
    supervision: new SupervisionRepository(
      documentClient(input.dynamodb),
      input.tableName,
      repos.loans,
      input.rules.supervision.provinceIndexShards,
    ),
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
