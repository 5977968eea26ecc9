import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalKeyService } from '#local/local-key-service.ts';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { TableAccessRecorder } from '#local/table-access-recorder.ts';
import { OpenApiContract, type OpenApiDocumentLike } from './openapi-contract.ts';
import { ungrantedCalls } from './table-access.ts';

export const PARTNER_A = {
  partnerId: 'partner-a',
  name: 'Alpha Loans',
  apiKey: 'key-alpha-0123456789abcdef',
};
export const PARTNER_B = {
  partnerId: 'partner-b',
  name: 'Beta Credit',
  apiKey: 'key-beta-0123456789abcdefg',
};

export interface TestApi {
  stack: LocalStack;
  clock: ManualClock;
  /** The served OpenAPI document's contract: every answer `request` gets is checked against it. */
  contract: OpenApiContract;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  itemCount(): Promise<number>;
  /** Every event published so far, the events of every answer received included (the outbox drained first). */
  published(): Promise<LocalStack['events']['events']>;
  /** The table calls the local functions have made so far, in order. */
  tableCalls: TableAccessRecorder['calls'];
  stop(): Promise<void>;
}

/** Parsed JSON answer; tests read fields freely, so the body is loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export type ApiResponse = { status: number; body: any; headers: Headers };

export interface RequestOptions {
  body?: unknown;
  /** Sent as is when a string (to test malformed bodies); JSON-encoded otherwise. */
  rawBody?: string;
  apiKey?: string | null;
  headers?: Record<string, string>;
}

/**
 * The real local stack (gateway, handlers, a DynamoDB Local of its own, as it reads the table's stream after
 * every answer; see `fileDynamoDb`) on a free port. Every
 * answer `request` gets is checked against the OpenAPI document the stack serves: an answer the
 * document does not describe fails the test that received it.
 */
export async function startTestApi(at = '2027-07-01T02:00:00.000Z'): Promise<TestApi> {
  const clock = new ManualClock(new Date(at));
  const tableName = `api-${randomUUID()}`;
  const tableAccess = new TableAccessRecorder();
  const stack = await startLocalStack({
    port: 0,
    tableAccess,
    partners: [PARTNER_A, PARTNER_B],
    tableName,
    keys: new LocalKeyService(),
    clock,
    logger: new Logger({ serviceName: 'duebell-test', logLevel: 'SILENT' }),
  });
  const served = await fetch(`${stack.url}/v1/openapi.json`, { headers: { 'x-api-key': PARTNER_A.apiKey } });
  const contract = new OpenApiContract((await served.json()) as OpenApiDocumentLike);
  return {
    stack,
    clock,
    contract,
    tableCalls: tableAccess.calls,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      const key = options.apiKey === undefined ? PARTNER_A.apiKey : options.apiKey;
      if (key !== null) headers['x-api-key'] = key;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const res = await fetch(`${stack.url}${path}`, { method, headers, body });
      const text = await res.text();
      const problems = contract.check({ method, path, status: res.status, headers: res.headers, body: text });
      if (problems.length > 0) throw new Error(`answer not in the OpenAPI document:\n${problems.join('\n')}`);
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // leave as text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async published() {
      await stack.drainEvents();
      return stack.events.events;
    },
    async itemCount() {
      const { localDynamoDbClient } = await import('#local/dynamodb-local.ts');
      const ddb = localDynamoDbClient(stack.dynamodbEndpoint);
      const out = await ddb.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));
      ddb.destroy();
      return out.Count ?? 0;
    },
    // Every API test file also checks that no function called the table beyond its grants.
    stop: async () => {
      await stack.stop();
      const ungranted = ungrantedCalls(tableAccess);
      if (ungranted.length > 0)
        throw new Error(`calls outside the functions' grants:\n${ungranted.join('\n')}`);
    },
  };
}
