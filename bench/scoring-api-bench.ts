import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import autocannon from 'autocannon';
import { LocalKeyService } from '#shared/adapters/local/local-key-service.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { keys } from '#shared/storage/keys.ts';
import { startLocalStack } from '../cli/local-stack.ts';

const API_KEY = `bench-${randomUUID()}`;

/** A valid application; the ID's sequence digits vary so requests score several borrowers. */
function applicationBody(n: number): string {
  return JSON.stringify({
    borrowerId: `bench-${n % 1000}`,
    applicant: {
      idNumber: withCheckChar(`31010419930712${String(n % 1000).padStart(3, '0')}`),
      name: '李华',
      phone: '+8613912345678',
      birthDate: '1993-07-12',
      employment: { status: 'employed', monthsInCurrentJob: 28, monthlyIncome: 1_200_000 },
      monthlyDebtPayments: 150_000,
    },
    bureau: {
      activeLoansOtherLenders: 1,
      inquiriesLast90Days: 2,
      worstDpdLast12Months: 0,
      creditHistoryMonths: 52,
    },
    request: { amount: 800_000, termMonths: 6, repaymentMethod: 'equal_installment' },
  });
}

interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number, connections: number, post: boolean): Promise<LoadFigures> {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      post
        ? {
            method: 'POST',
            setupRequest: (req) => ({
              ...req,
              headers: {
                'content-type': 'application/json',
                'x-api-key': API_KEY,
                'idempotency-key': `bench-${randomUUID()}`,
              },
              body: applicationBody(n++),
            }),
          }
        : { method: 'GET' },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** The floor any API on this machine sits on: node:http answering after one GetItem on DynamoDB Local. */
async function startBaseline(client: DynamoDBClient, tableName: string): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const out = await client.send(
        new GetItemCommand({ TableName: tableName, Key: marshall(keys.identity('bench')) }),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ found: Boolean(out.Item) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * SPEC §4 scoring API: `POST /v1/applications` over HTTP on the local stack (the same middy chain,
 * idempotency store and scoring as on AWS) against the bare HTTP + one GetItem baseline, same run.
 */
export async function measureScoringApi(
  client: DynamoDBClient,
  endpoint: string,
  seconds: number,
  connections: number,
) {
  const baselineTable = `bench-base-${randomUUID()}`;
  await createTable(client, baselineTable);
  const baseline = await startBaseline(client, baselineTable);
  const stack = await startLocalStack({
    port: 0,
    partners: [{ partnerId: 'p-bench', name: 'Bench Loans', apiKey: API_KEY }],
    dynamodbEndpoint: endpoint,
    tableName: `bench-api-${randomUUID()}`,
    keys: new LocalKeyService(),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  try {
    const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;
    const apiUrl = `${stack.url}/v1/applications`;
    // Warm both (JIT on both sides of the wire), then measure.
    await load(baselineUrl, 2, connections, false);
    await load(apiUrl, 2, connections, true);
    const bare = await load(baselineUrl, seconds, connections, false);
    const api = await load(apiUrl, seconds, connections, true);
    return {
      seconds,
      connections,
      baseline: bare,
      api,
      ratio: api.requestsPerSecond / bare.requestsPerSecond,
    };
  } finally {
    await stack.stop();
    await new Promise<void>((resolve) => baseline.close(() => resolve()));
  }
}
