import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { defaultRules } from '#shared/config/rules.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import { newInstallmentRecords, planBooking } from '#shared/servicing/decide-booking.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { dueShardKey } from '#shared/storage/keys.ts';
import { createRepositories } from '#shared/storage/repositories.ts';
import { DUE_INDEX } from '#shared/storage/table-definition.ts';
import { itemSizeBytes, readUnitsFor } from './item-size.ts';

export const DUE_DATE = '2027-09-15';

/** A table of `loans` bullet loans whose due dates spread over `spreadDays`, exactly `due` of them on DUE_DATE. */
export async function seedTable(client: DynamoDBClient, loans: number, due: number, spreadDays: number) {
  const tableName = `bench-${randomUUID()}`;
  await createTable(client, tableName);
  const repos = createRepositories(client, tableName, defaultRules);
  const now = new Date('2027-06-01T00:00:00Z');
  const batchLoans = [];
  const batchInstallments = [];
  for (let i = 0; i < loans; i++) {
    // The first `due` loans fall due on DUE_DATE; the rest on the other days of the spread.
    const dueDate = i < due ? DUE_DATE : addDays(DUE_DATE, 1 + (i % (spreadDays - 1)));
    const terms = {
      principal: 100_000 + (i % 97) * 100,
      aprBps: 1800,
      termMonths: 1,
      repaymentMethod: 'bullet' as const,
      disbursedOn: '2027-06-01',
    };
    const loan = planBooking(
      {
        loanId: `L${String(i).padStart(7, '0')}`,
        partnerId: 'p1',
        borrowerId: `b${i}`,
        identityHash: `h${i}`,
        terms,
      },
      now,
      defaultRules,
    ).loan;
    const schedule = buildSchedule(terms, defaultRules).map((s) => ({ ...s, dueDate }));
    batchLoans.push(loan);
    batchInstallments.push(...newInstallmentRecords(loan, schedule));
  }
  await repos.loans.bulkLoad(batchLoans, batchInstallments, 8);
  return { tableName, repos, items: batchLoans.length + batchInstallments.length };
}

/** Read units: the sweep's index queries, the due items' own bytes, and a full Scan of the table. */
export async function measureReadCost(
  client: DynamoDBClient,
  tableName: string,
  repos: ReturnType<typeof createRepositories>,
) {
  const sweep = await repos.dueIndex.findDueInstallments(DUE_DATE);
  // The same items as stored in the index (keys included), priced by their bytes alone.
  const db = documentClient(client);
  let bytes = 0;
  for (let shard = 0; shard < defaultRules.schedule.dueIndexShards; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'dueShard = :s',
          ExpressionAttributeValues: { ':s': dueShardKey(DUE_DATE, shard) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) bytes += itemSizeBytes(item);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
  let scanUnits = 0;
  let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: tableName, ReturnConsumedCapacity: 'TOTAL', ExclusiveStartKey: startKey }),
    );
    scanUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return {
    dueItems: sweep.installments.length,
    sweepUnits: sweep.consumedReadUnits,
    dueAloneUnits: readUnitsFor(bytes),
    scanUnits,
  };
}

/** Conditional puts (attribute_not_exists) per second DynamoDB Local sustains with `concurrency` writers. */
export async function conditionalPutRate(
  client: DynamoDBClient,
  tableName: string,
  count: number,
  concurrency: number,
) {
  const db = documentClient(client);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `CONTACT#bench-${i}`,
            sk: '001#D-3#sms',
            status: 'claimed',
            claimedAt: '2027-09-12T01:00:00Z',
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - started) / 1000);
}
