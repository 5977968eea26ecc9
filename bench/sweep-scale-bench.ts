import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SWEEP_SLICE_MEMORY_MB, SWEEP_SLICE_TIMEOUT_SECONDS } from '#infra/constructs/daily-sweep.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { instantAt } from '#shared/lending/calendar.ts';
import { slicesOf } from '#shared/reminders/start-sweep.ts';
import { runSweepSlice } from '#shared/reminders/sweep-slice.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { SweepSlice } from '#shared/schemas/sweep-slice.ts';
import { metered } from './snapshot-bench.ts';
import { addLoans, type createBenchTable, SCALE_BUSINESS_DATE } from './sweep-bench.ts';

const rules = defaultRules;
/** Slice invocations at once (the slice function's reserved concurrency is not lower). */
const CONCURRENCY = 4;
/** On-demand prices (ap-east-1 is dearer; these are us-east-1's list prices, to compare sizes). */
const PRICE = {
  lambdaGbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  readUnit: 0.25 / 1e6,
  writeUnit: 1.25 / 1e6,
  sqsRequest: 0.4 / 1e6,
};

/**
 * The sweep-scale bar: `due` installments added to the table, all due on one business date (its D0
 * stage, the date alone: its other stages' dates hold none), swept by slice
 * invocations that each stop after the slice budget (`sweepSliceBudgetSeconds`) and hand the rest of
 * their slice on, `CONCURRENCY` at a time, as the SQS-driven slice function runs them. Jobs are counted
 * in memory (there is no SQS here). Reports the longest invocation against the function's timeout, and
 * projects wall time and cost to 1,000,000 due.
 */
export async function measureSweepScale(
  client: DynamoDBClient,
  table: Awaited<ReturnType<typeof createBenchTable>>,
  due: number,
  budgetSeconds: number,
) {
  const loadStarted = performance.now();
  await addLoans(table, { loans: due, onScaleDate: due });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const clock = new ManualClock(instantAt(SCALE_BUSINESS_DATE, 9 * 60, rules.timezone));
  const pending: SweepSlice[] = [...slicesOf(SCALE_BUSINESS_DATE, rules)];
  const sliceCount = pending.length;
  const jobIds = new Set<string>();
  const installmentsReached = new Set<string>();
  let jobs = 0;
  const invocations: number[] = [];
  const deps = {
    repos: table.repos,
    queue: {
      enqueue: async (batch: ContactJob[]) => {
        for (const job of batch) {
          jobIds.add(job.jobId);
          for (const item of job.items) installmentsReached.add(`${item.loanId}#${item.installmentNo}`);
        }
        jobs += batch.length;
      },
    },
    slices: { enqueue: async (more: SweepSlice[]) => void pending.push(...structuredClone(more)) },
    events: new RecordingEventBus(),
    clock,
    rules,
  };
  const started = performance.now();
  const { readUnits, writeUnits, requests } = await metered(client, async () => {
    const worker = async () => {
      for (let slice = pending.shift(); slice; slice = pending.shift()) {
        const wallStart = performance.now();
        await runSweepSlice(deps, slice, {
          owner: `invocation-${invocations.length}`,
          spent: () => performance.now() - wallStart > budgetSeconds * 1000,
        });
        invocations.push((performance.now() - wallStart) / 1000);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const longest = Math.max(...invocations);
  const scale = 1_000_000 / due;
  const gbSeconds = (invocations.reduce((s, x) => s + x, 0) * scale * SWEEP_SLICE_MEMORY_MB) / 1024;
  const projectedCost =
    gbSeconds * PRICE.lambdaGbSecond +
    invocations.length * scale * PRICE.lambdaRequest +
    readUnits * scale * PRICE.readUnit +
    writeUnits * scale * PRICE.writeUnit +
    // Contact jobs go to SQS ten a request.
    (jobs * scale * PRICE.sqsRequest) / 10;
  return {
    ratio: longest / SWEEP_SLICE_TIMEOUT_SECONDS,
    // Every due installment in some job, and no job queued twice.
    lost: due - installmentsReached.size,
    duplicated: jobs - jobIds.size,
    figures: {
      due,
      loadSeconds,
      budgetSeconds,
      functionTimeoutSeconds: SWEEP_SLICE_TIMEOUT_SECONDS,
      concurrency: CONCURRENCY,
      slices: sliceCount,
      invocations: invocations.length,
      longestInvocationSeconds: longest,
      wallSeconds,
      jobsQueued: jobs,
      readUnits,
      writeUnits,
      requests,
      projectedFor1M: {
        wallSeconds: wallSeconds * scale,
        invocations: Math.ceil(invocations.length * scale),
        costUsd: Number(projectedCost.toFixed(2)),
        note: 'local wall time scaled linearly, at the same concurrency; list prices of us-east-1',
      },
    },
  };
}
