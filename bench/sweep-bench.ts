import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import { addDays, instantAt } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import { slicesOf } from '#shared/reminders/start-sweep.ts';
import { runSweepSlice } from '#shared/reminders/sweep-slice.ts';
import { newInstallmentRecords, planBooking } from '#shared/servicing/decide-booking.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { dueShardKey } from '#shared/storage/keys.ts';
import { createRepositories } from '#shared/storage/repositories.ts';
import { DUE_INDEX } from '#shared/storage/table-definition.ts';
import { itemSizeBytes, readUnitsFor } from './item-size.ts';
import { metered } from './snapshot-bench.ts';

/**
 * The business dates whose whole sweeps the read-cost bars measure: the dense one on the base book, the
 * same volume again swept once the table is 10× (a date's sweep is done once: sweeping it again reads
 * only its slice records), the sparse one, and one whose swept dates hold 1% of the book between them.
 */
export const BUSINESS_DATE = '2027-09-15';
export const TEN_X_BUSINESS_DATE = '2027-12-15';
export const SPARSE_BUSINESS_DATE = '2028-03-15';
export const ONE_PERCENT_BUSINESS_DATE = '2028-06-15';
const rules = defaultRules;

/** The due dates one business date's sweep reads: each reminder stage's, and the date whose grace ended. */
export function sweptDates(businessDate: LocalDate): LocalDate[] {
  return [...new Set(slicesOf(businessDate, rules).map((s) => s.dueDate))];
}

/** One bullet loan of one installment due on `dueDate`. */
function bulletLoan(i: number, dueDate: LocalDate): { loan: LoanRecord; installments: InstallmentRecord[] } {
  const terms = {
    principal: 100_000 + (i % 97) * 100,
    aprBps: 1800,
    termMonths: 1,
    repaymentMethod: 'bullet' as const,
    disbursedOn: addDays(dueDate, -30),
  };
  const { loan } = planBooking(
    {
      loanId: `L${String(i).padStart(7, '0')}`,
      partnerId: 'p1',
      borrowerId: `b${i}`,
      identityHash: `h${i}`,
      terms,
    },
    new Date(`${terms.disbursedOn}T02:00:00Z`),
    rules,
  );
  const schedule = buildSchedule(terms, rules).map((s) => ({ ...s, dueDate }));
  return { loan, installments: newInstallmentRecords(loan, schedule) };
}

export interface SeedPlan {
  loans: number;
  /** Business date → installments due on each date its sweep reads. */
  duePerDate?: Partial<Record<LocalDate, number>>;
  /** Installments due on the sweep-scale bar's one big date (SCALE_BUSINESS_DATE). */
  onScaleDate?: number;
}

/** The business date of the sweep-scale bar: every installment due on it, none on its other swept dates. */
export const SCALE_BUSINESS_DATE = '2028-09-15';

/**
 * A bench table, empty: `addLoans` fills it, in steps, so one table grows through the bars. Its rules (the
 * due index's shard count) are the ones its loans are written and swept with.
 */
export async function createBenchTable(client: DynamoDBClient, tableRules: Rules = rules) {
  const tableName = `bench-${randomUUID()}`;
  await createTable(client, tableName);
  return {
    tableName,
    rules: tableRules,
    repos: createRepositories(client, tableName, tableRules),
    items: 0,
    loans: 0,
  };
}

export type BenchTable = Awaited<ReturnType<typeof createBenchTable>>;

/**
 * Adds `plan.loans` one-installment loans: the planned counts on the dates the planned business dates'
 * sweeps read and on SCALE_BUSINESS_DATE, the rest spread over a year of other days. Loaded with the
 * repository's bulk load, without the per-person exposure updates the sweep never reads (they are what
 * makes a large load slow).
 */
export async function addLoans(table: BenchTable, plan: SeedPlan) {
  const benchDates = [BUSINESS_DATE, TEN_X_BUSINESS_DATE, SPARSE_BUSINESS_DATE, ONE_PERCENT_BUSINESS_DATE];
  const taken = new Set([...benchDates, SCALE_BUSINESS_DATE].flatMap(sweptDates));
  const otherDays = Array.from({ length: 400 }, (_, d) => addDays('2027-06-01', d)).filter(
    (d) => !taken.has(d),
  );
  const dates: LocalDate[] = [
    ...Array<LocalDate>(plan.onScaleDate ?? 0).fill(SCALE_BUSINESS_DATE),
    ...benchDates.flatMap((business) =>
      sweptDates(business).flatMap((d) => Array<LocalDate>(plan.duePerDate?.[business] ?? 0).fill(d)),
    ),
  ];
  const loans: LoanRecord[] = [];
  const installments: InstallmentRecord[] = [];
  for (let i = 0; i < plan.loans; i++) {
    const dueDate = dates[i] ?? (otherDays[i % otherDays.length] as LocalDate);
    const one = bulletLoan(table.loans + i, dueDate);
    loans.push(one.loan);
    installments.push(...one.installments);
  }
  await table.repos.loans.bulkLoad(loans, installments, 8, { exposures: false });
  table.loans += loans.length;
  table.items += loans.length + installments.length;
}

/**
 * A whole business date's sweep (every stage and shard, and the escalation slices), each slice run to
 * its end as a slice worker runs it, metered: every read the sweep makes, not only its index queries.
 */
export async function sweepOneDay(client: DynamoDBClient, table: BenchTable, businessDate: LocalDate) {
  const { repos, rules } = table;
  const clock = new ManualClock(instantAt(businessDate, 9 * 60, rules.timezone));
  let jobs = 0;
  const deps = {
    repos,
    queue: {
      enqueue: async (batch: unknown[]) => {
        jobs += batch.length;
      },
    },
    slices: { enqueue: async () => {} },
    events: new RecordingEventBus(),
    clock,
    rules,
  };
  const slices = slicesOf(businessDate, rules);
  const { readUnits, requests } = await metered(client, async () => {
    for (const slice of slices) await runSweepSlice(deps, slice, { owner: 'bench', spent: () => false });
  });
  return { readUnits, requests, slices: slices.length, jobs };
}

/** Read units of the due items alone: the index items the day's sweep must read, priced by their bytes. */
export async function dueAloneReadUnits(client: DynamoDBClient, table: BenchTable, businessDate: LocalDate) {
  const { tableName, rules } = table;
  const db = documentClient(client);
  let units = 0;
  let items = 0;
  for (const dueDate of sweptDates(businessDate)) {
    let bytes = 0;
    for (let shard = 0; shard < rules.schedule.dueIndexShards; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: DUE_INDEX,
            KeyConditionExpression: 'dueShard = :s',
            ExpressionAttributeValues: { ':s': dueShardKey(dueDate, shard) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) bytes += itemSizeBytes(item);
        items += out.Items?.length ?? 0;
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }
    units += readUnitsFor(bytes);
  }
  return { units, items };
}

/** Read units of a full-table Scan (eventually consistent, as cheap as a Scan gets). */
export async function scanReadUnits(client: DynamoDBClient, tableName: string): Promise<number> {
  let units = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: tableName, ReturnConsumedCapacity: 'TOTAL', ExclusiveStartKey: startKey }),
    );
    units += out.ConsumedCapacity?.CapacityUnits ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return units;
}
