import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { createTable } from '#shared/storage/create-table.ts';
import application from '../test/fixtures/application.json' with { type: 'json' };
import { medianBy } from './bars.ts';
import { freshDynamoDbLocal, type WithDynamoDb } from './dynamodb-per-part.ts';

const API_KEY = `bench-${randomUUID()}`;

/** The fixture application; the ID's sequence digits vary so requests score several borrowers. */
function applicationBody(n: number): string {
  return JSON.stringify({
    ...application,
    borrowerId: `bench-${n % 1000}`,
    applicant: {
      ...application.applicant,
      idNumber: withCheckChar(`31010419930712${String(n % 1000).padStart(3, '0')}`),
    },
  });
}

interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** POSTs applications at `url` for `seconds` over `connections`: the same requests to both servers. */
async function load(url: string, seconds: number, connections: number): Promise<LoadFigures> {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
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
      },
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

/** Starts a server in a process of its own and resolves with its URL once it prints `listening on URL`. */
async function spawnListening(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (found?.[1]) resolve(found[1]);
    });
  });
  child.stdout?.resume();
  return { url, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The scoring-API bar (README, Benchmarks): `POST /v1/applications` over HTTP on the local stack (the same
 * middy chain, idempotency and scoring as on AWS) against the bare `node:http` baseline doing the least I/O
 * a decision needs (bench/baseline-server.ts), the same requests in the same run. Each side gets a fresh
 * DynamoDB Local of its own, warmed the same way: on one shared instance the side measured second inherits
 * the first side's tables, streams and garbage, and rounds of one side swung from 130 to 20 requests a
 * second with the order.
 */
export async function measureScoringApi(
  seconds: number,
  connections: number,
  /** Paired rounds (baseline and API, the order alternating): the bar is their median ratio. */
  rounds: number,
  withDynamoDb: WithDynamoDb = freshDynamoDbLocal,
) {
  const partners = join(mkdtempSync(join(tmpdir(), 'duebell-bench-')), 'partners.json');
  writeFileSync(partners, JSON.stringify([{ partnerId: 'p-bench', name: 'Bench Loans', apiKey: API_KEY }]));
  // Each server in a process of its own, as deployed, so the load generator here does not share its thread.
  const bare = () =>
    measureSide(
      withDynamoDb,
      async (client, endpoint) => {
        const baselineTable = `bench-base-${randomUUID()}`;
        await createTable(client, baselineTable);
        return spawnListening(['--import', 'tsx', 'bench/baseline-server.ts', endpoint, baselineTable]);
      },
      seconds,
      connections,
    );
  const scored = () =>
    measureSide(
      withDynamoDb,
      async (_client, endpoint) => {
        const api = await spawnListening([
          'cli/duebell.mjs',
          'serve',
          '--port',
          '0',
          '--partners',
          partners,
          '--dynamodb-endpoint',
          endpoint,
        ]);
        return { ...api, url: `${api.url}/v1/applications` };
      },
      seconds,
      connections,
    );
  // The baseline alone swung from 90 to 128 requests a second between runs on the same machine: one
  // pair of sides is a coin toss near the target, the median of paired rounds is not.
  const measured: { baseline: LoadFigures; api: LoadFigures; ratio: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const apiFirst = round % 2 === 1;
    const first = await (apiFirst ? scored() : bare());
    const second = await (apiFirst ? bare() : scored());
    const [baseline, api] = apiFirst ? [second, first] : [first, second];
    measured.push({ baseline, api, ratio: api.requestsPerSecond / baseline.requestsPerSecond });
  }
  const median = medianBy(measured, (r) => r.ratio);
  return {
    seconds,
    connections,
    baseline: median.baseline,
    api: median.api,
    ratio: median.ratio,
    rounds: measured.map((r) => ({
      baselineRequestsPerSecond: r.baseline.requestsPerSecond,
      apiRequestsPerSecond: r.api.requestsPerSecond,
      ratio: r.ratio,
    })),
    errors: measured.reduce((sum, r) => sum + r.api.errors + r.api.non2xx, 0),
  };
}

/**
 * One side of the bar: the server `start` spawns, warmed for half the measured time (JIT on both sides
 * of the wire, DynamoDB Local's JVM too), then loaded for `seconds`.
 */
async function measureSide(
  withDynamoDb: WithDynamoDb,
  start: (client: DynamoDBClient, endpoint: string) => Promise<{ url: string; child: ChildProcess }>,
  seconds: number,
  connections: number,
): Promise<LoadFigures> {
  return withDynamoDb(async (client, endpoint) => {
    const server = await start(client, endpoint);
    try {
      await load(server.url, seconds / 2, connections);
      return await load(server.url, seconds, connections);
    } finally {
      await stopChild(server.child);
    }
  });
}
