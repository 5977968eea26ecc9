import { mkdirSync, writeFileSync } from 'node:fs';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { measureColdStarts } from './cold-start-bench.ts';
import { measureScoringApi } from './scoring-api-bench.ts';
import { measureSnapshotCost } from './snapshot-bench.ts';
import { conditionalPutRate, DUE_DATE, measureReadCost, seedTable } from './sweep-bench.ts';
import { pipelineRate } from './throughput-bench.ts';

/**
 * `npm run bench`: the measured bars of the README's Benchmarks section — the sweep's read cost and speed, the scoring API against a
 * bare HTTP + GetItem baseline, and each function's cold-start load — printed and written to bench/results.json.
 */
const DUE = Number(process.env.BENCH_DUE ?? 250);
// 25 000 loans of one installment each (50 000 items): 250 due is a 1 % due rate over the installments.
const BASE_LOANS = Number(process.env.BENCH_LOANS ?? 25_000);
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const HTTP_CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 5);

const local = await startDynamoDbLocal();
const client = localDynamoDbClient(local.endpoint);
const results: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version };
try {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const sizes: Record<string, unknown>[] = [];
  for (const factor of [1, 10]) {
    const loans = BASE_LOANS * factor;
    log(`loading ${loans} loans (${DUE} due on the swept date) …`);
    const seeded = await seedTable(client, loans, DUE, 100 * factor);
    const cost = await measureReadCost(client, seeded.tableName, seeded.repos);
    const snapshot = await measureSnapshotCost(client, seeded.repos, DUE_DATE);
    sizes.push({
      tableItems: seeded.items,
      ...cost,
      ...snapshot,
      scanOverSnapshot: cost.scanUnits / snapshot.snapshotReadUnits,
      sweepOverDueAlone: cost.sweepUnits / cost.dueAloneUnits,
      scanOverSweep: cost.scanUnits / cost.sweepUnits,
    });
    await client.send(new DeleteTableCommand({ TableName: seeded.tableName }));
  }
  results.readCost = sizes;

  log(`conditional puts with ${CONCURRENCY} writers …`);
  const putTable = `bench-puts-${Date.now()}`;
  await createTable(client, putTable);
  const putsPerSecond = await conditionalPutRate(client, putTable, 3_000, CONCURRENCY);
  log(`sweep and send of ${PIPELINE} installments with ${CONCURRENCY} senders …`);
  const pipeline = await pipelineRate(client, PIPELINE, CONCURRENCY);
  results.speed = {
    concurrency: CONCURRENCY,
    conditionalPutsPerSecond: putsPerSecond,
    ...pipeline,
    sweepOnlyOverPuts: pipeline.sweepOnlyPerSecond / putsPerSecond,
    endToEndOverPuts: pipeline.endToEndPerSecond / putsPerSecond,
  };

  log(`scoring API over HTTP, ${HTTP_SECONDS} s at ${HTTP_CONNECTIONS} connections …`);
  results.scoringApi = await measureScoringApi(client, local.endpoint, HTTP_SECONDS, HTTP_CONNECTIONS);
  log(`cold starts, ${COLD_ROUNDS} fresh processes per function …`);
  results.coldStart = await measureColdStarts(COLD_ROUNDS);

  const f = (n: unknown) =>
    typeof n === 'number' ? (Number.isInteger(n) ? String(n) : n.toFixed(2)) : String(n);
  console.log(
    '\nSweep read cost (read units; bar: sweep ÷ due items ≤ 1.2 at both sizes, Scan ÷ sweep ≥ 50 at 1 % due)',
  );
  console.log('table items | due | sweep RU | due-alone RU | scan RU | sweep÷due | scan÷sweep');
  for (const s of sizes) {
    console.log(
      [
        s.tableItems,
        s.dueItems,
        s.sweepUnits,
        s.dueAloneUnits,
        s.scanUnits,
        s.sweepOverDueAlone,
        s.scanOverSweep,
      ]
        .map(f)
        .join(' | '),
    );
  }
  console.log(
    "\nPortfolio snapshot (read units of one day's snapshot from the running totals; bar: the same at 10× the book)",
  );
  console.log(
    'table items | loans in snapshot | requests | snapshot RU | snapshot WU | scan RU ÷ snapshot RU',
  );
  for (const s of sizes) {
    console.log(
      [
        s.tableItems,
        s.snapshotLoans,
        s.snapshotRequests,
        s.snapshotReadUnits,
        s.snapshotWriteUnits,
        s.scanOverSnapshot,
      ]
        .map(f)
        .join(' | '),
    );
  }
  const sp = results.speed as Record<string, number>;
  console.log('\nSweep speed (installments per second; bar: ÷ conditional puts per second ≥ 0.7)');
  console.log(`conditional puts/s: ${f(sp.conditionalPutsPerSecond)} (${CONCURRENCY} writers)`);
  console.log(`sweep only: ${f(sp.sweepOnlyPerSecond)}/s → ratio ${f(sp.sweepOnlyOverPuts)}`);
  console.log(
    `sweep + send (claim, rules, send, record): ${f(sp.endToEndPerSecond)}/s → ratio ${f(sp.endToEndOverPuts)}`,
  );
  console.log(`messages sent: ${sp.sent} for ${sp.installments} installments`);

  const api = results.scoringApi as Awaited<ReturnType<typeof measureScoringApi>>;
  console.log('\nScoring API (bar: requests per second ÷ bare HTTP + one GetItem ≥ 0.6)');
  console.log(`bare HTTP + GetItem: ${f(api.baseline.requestsPerSecond)}/s, p99 ${api.baseline.p99Ms} ms`);
  console.log(
    `POST /v1/applications: ${f(api.api.requestsPerSecond)}/s, p50 ${api.api.p50Ms} ms, p99 ${api.api.p99Ms} ms, non-2xx ${api.api.non2xx} → ratio ${f(api.ratio)}`,
  );

  const cold = results.coldStart as Awaited<ReturnType<typeof measureColdStarts>>;
  console.log('\nCold start (bar: module load ÷ a Powertools-logger hello world ≤ 2)');
  console.log(`hello world: ${f(cold.helloWorldMs)} ms`);
  console.log('function | bundle KiB | load ms | ÷ hello world');
  for (const c of cold.functions) {
    console.log([c.function, c.bundleBytes / 1024, c.loadMs, c.overHelloWorld].map(f).join(' | '));
  }
} finally {
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  client.destroy();
  await local.stop();
}
