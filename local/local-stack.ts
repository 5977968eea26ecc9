import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { applicationRoutes } from '#functions/applications/routes.ts';
import { hardshipRoutes } from '#functions/hardship/routes.ts';
import { loanRoutes } from '#functions/loans/routes.ts';
import { openApiRoutes } from '#functions/openapi/routes.ts';
import { opsRoutes } from '#functions/ops/routes.ts';
import { createOutboxPublisherHandler } from '#functions/outbox-publisher/outbox-publisher-handler.ts';
import { paymentRoutes } from '#functions/payments/routes.ts';
import { preferenceRoutes } from '#functions/preferences/routes.ts';
import { createLocalGateway, plainContext } from '#local/api-gateway-server.ts';
import { type DynamoDbLocal, localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { localApiKeyId } from '#local/local-api-keys.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { LocalOpsTokens } from '#local/local-ops-tokens.ts';
import { OutboxStream } from '#local/outbox-stream.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { asFunction, asRouteFunctions, type TableAccessRecorder } from '#local/table-access-recorder.ts';
import { CachedPartnerDirectory } from '#shared/adapters/cached-partner-directory.ts';
import { randomIds } from '#shared/adapters/random-ids.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import { PartnerChangeRefused } from '#shared/errors/partner-errors.ts';
import { createLogger } from '#shared/observability/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { PartnerRegistry } from '#shared/ports/partner-directory.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { OutboxEventBus } from '#shared/storage/outbox.ts';
import { PartnerDirectoryRepository } from '#shared/storage/partner-directory-repository.ts';
import { type AppDeps, buildAppDeps } from '#shared/wiring/app-deps.ts';

export const LOCAL_TABLE = 'duebell';

const partnersFileSchema = z.array(
  z.strictObject({ partnerId: z.string().min(1), name: z.string().min(1), apiKey: z.string().min(20) }),
);

/** A partner the local stack puts in the directory at start, with its API key (the value, which the directory never holds). */
export interface LocalPartner {
  partnerId: string;
  name: string;
  apiKey: string;
}

export function readPartnersFile(path: string): LocalPartner[] {
  return partnersFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function demoPartners(): LocalPartner[] {
  return [
    { partnerId: 'p-demo', name: 'Demo Loans', apiKey: `demo-${randomBytes(16).toString('hex')}` },
    { partnerId: 'p-other', name: 'Other Lending App', apiKey: `demo-${randomBytes(16).toString('hex')}` },
  ];
}

export interface LocalStackOptions {
  port?: number;
  host?: string;
  /** Put in the partner directory at start (partners added with `duebell partners` are there already). */
  partners: LocalPartner[];
  dynamodbEndpoint?: string;
  tableName?: string;
  rules?: Rules;
  keys?: KeyService;
  clock?: Clock;
  ids?: IdGenerator;
  events?: RecordingEventBus;
  logger?: Logger;
  /** Records which function makes which DynamoDB call (the least-privilege tests). */
  tableAccess?: TableAccessRecorder;
}

export interface LocalStack {
  url: string;
  deps: AppDeps;
  /**
   * What the outbox publisher put on the bus. It runs after each answer is sent, as on AWS, so a client
   * that wants the events of its requests calls `drainEvents` first.
   */
  events: RecordingEventBus;
  /** An agent's and a supervisor's ops token for this run (signed with this process's own secret). */
  opsTokens: { agent: string; supervisor: string; issuer: LocalOpsTokens };
  /** Publishes what the table's outbox holds that has not gone out yet, every answer sent so far included. */
  drainEvents(): Promise<number>;
  dynamodbEndpoint: string;
  tableName: string;
  stop(): Promise<void>;
}

/** DynamoDB Local (unless an endpoint is given), the table from the shared definition, and the API on loopback. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dynamo: DynamoDbLocal | undefined = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  const endpoint = options.dynamodbEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  const client = localDynamoDbClient(endpoint);
  const tableName = options.tableName ?? LOCAL_TABLE;
  await createTable(client, tableName);

  const rules = options.rules ?? defaultRules;
  const events = options.events ?? new RecordingEventBus();
  const registry = new PartnerDirectoryRepository(documentClient(client), tableName);
  const clock = options.clock ?? systemClock;
  await enrolPartners(registry, options.partners, clock.now().toISOString());
  const logger = options.logger ?? createLogger({ logLevel: 'WARN' });
  // As on AWS: functions write events to the table's outbox, and the stream publisher (the same
  // handler) puts them on the bus, here the recording one.
  const publisher = asFunction('outbox-publisher', createOutboxPublisherHandler({ bus: events, logger }));
  options.tableAccess?.attach(client);
  const outbox = new OutboxStream(client, tableName, (event) => publisher(event, plainContext));
  const deps = buildAppDeps({
    dynamodb: client,
    tableName,
    rules,
    keys: options.keys ?? LocalKeyService.fromFile('.local/keys.json'),
    events: new OutboxEventBus(documentClient(client), tableName),
    clock,
    ids: options.ids ?? randomIds,
    partners: new CachedPartnerDirectory(registry, clock, rules.api.partnerCacheSeconds),
    logger,
  });
  const opsTokens = new LocalOpsTokens(() => deps.clock.now());
  /** The drain the last answer started, which `stop` lets finish before the client goes. */
  let drained: Promise<number> = Promise.resolve(0);
  const server = createLocalGateway({
    routes: asRouteFunctions({
      ...applicationRoutes(deps),
      ...loanRoutes(deps),
      ...paymentRoutes(deps),
      ...hardshipRoutes(deps),
      ...preferenceRoutes(deps),
      ...openApiRoutes(deps),
      ...opsRoutes(deps),
    }),
    opsTokens,
    partners: deps.partners,
    maxBodyBytes: rules.api.maxBodyBytes,
    // As on AWS the answer waits neither on the publisher nor on its fate: a drain that fails is
    // retried at the next.
    afterAnswer: () => {
      drained = outbox.drain().catch((err: unknown) => {
        logger.warn('outbox not drained; the next request drains it', {
          errorName: (err as Error).name,
          message: (err as Error).message,
        });
        return 0;
      });
    },
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 3000, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    deps,
    events,
    opsTokens: {
      agent: opsTokens.issue('local-agent', ['agent']),
      supervisor: opsTokens.issue('local-supervisor', ['supervisor']),
      issuer: opsTokens,
    },
    drainEvents: () => outbox.drain(),
    dynamodbEndpoint: endpoint,
    tableName,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await drained;
      outbox.close();
      client.destroy();
      await dynamo?.stop();
    },
  };
}

/**
 * Puts the given partners in the directory under their keys' local ids. A partner there already with
 * another key (a restart with fresh demo keys) gets the given key, and its old keys stop at once.
 */
export async function enrolPartners(
  registry: PartnerRegistry,
  partners: readonly LocalPartner[],
  at: string,
): Promise<void> {
  for (const p of partners) {
    const apiKeyId = localApiKeyId(p.apiKey);
    try {
      await registry.addPartner({ partnerId: p.partnerId, name: p.name, apiKeyId, at });
    } catch (err) {
      if (!(err instanceof PartnerChangeRefused)) throw err;
      await registry.rotateKey({ partnerId: p.partnerId, apiKeyId, at, retiresAt: at });
    }
  }
}
