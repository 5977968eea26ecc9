import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '#shared/lending/types.ts';
import type { DueInstallments, DuePage, InstallmentRecord } from '#shared/ports/records.ts';
import type { DueInstallmentStore } from '#shared/ports/stores.ts';
import { dueShardKey, dueSortOwner, recordOf } from './keys.ts';
import { DUE_INDEX } from './table-definition.ts';

/**
 * Finds unpaid installments by due date through the sparse, sharded due-date index:
 * one query per shard, so the cost follows the number due, never the table size.
 */
export class DueIndexRepository implements DueInstallmentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shards: number,
  ) {}

  async findDueInstallments(dueDate: LocalDate): Promise<DueInstallments> {
    const perShard = await Promise.all(
      Array.from({ length: this.shards }, (_, shard) => this.queryShard(dueShardKey(dueDate, shard))),
    );
    const installments = perShard
      .flatMap((s) => s.items)
      .sort((a, b) =>
        a.loanId === b.loanId ? a.installmentNo - b.installmentNo : a.loanId < b.loanId ? -1 : 1,
      );
    return { installments, consumedReadUnits: perShard.reduce((sum, s) => sum + s.units, 0) };
  }

  async findDuePage(
    dueDate: LocalDate,
    shard: number,
    after: string | undefined,
    limit: number,
  ): Promise<DuePage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'dueShard = :shard',
        ExpressionAttributeValues: { ':shard': dueShardKey(dueDate, shard) },
        ReturnConsumedCapacity: 'TOTAL',
        Limit: limit,
        ExclusiveStartKey: after ? (JSON.parse(after) as Record<string, unknown>) : undefined,
      }),
    );
    let items = out.Items ?? [];
    let last = out.LastEvaluatedKey;
    // More follow: hold back the last borrower's installments for the next page (it starts with them).
    if (last && items.length > 0) {
      const owner = dueSortOwner(String(items.at(-1)?.dueSort));
      const kept = items.filter((i) => dueSortOwner(String(i.dueSort)) !== owner);
      if (kept.length > 0) {
        items = kept;
        const end = kept.at(-1) as Record<string, unknown>;
        last = { pk: end.pk, sk: end.sk, dueShard: end.dueShard, dueSort: end.dueSort };
      }
    }
    return {
      installments: items.map((i) => recordOf<InstallmentRecord>(i)),
      ...(last ? { next: JSON.stringify(last) } : {}),
      consumedReadUnits: out.ConsumedCapacity?.CapacityUnits ?? 0,
    };
  }

  private async queryShard(shardKey: string): Promise<{ items: InstallmentRecord[]; units: number }> {
    const items: InstallmentRecord[] = [];
    let units = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'dueShard = :shard',
          ExpressionAttributeValues: { ':shard': shardKey },
          ReturnConsumedCapacity: 'TOTAL',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        items.push(recordOf<InstallmentRecord>(item));
      }
      units += out.ConsumedCapacity?.CapacityUnits ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return { items, units };
  }
}
