import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '#shared/lending/types.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { AgeingIndex } from '#shared/ports/stores.ts';
import { recordOf } from './keys.ts';
import { AGEING_INDEX } from './table-definition.ts';

/**
 * Loans past due through the sparse ageing index: per shard, the sort keys before today's date are
 * exactly the loans whose oldest unpaid installment fell due before today. The current book is never read.
 */
export class AgeingIndexRepository implements AgeingIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shards: number,
  ) {}

  async findLoansPastDue(today: LocalDate): Promise<LoanRecord[]> {
    const perShard = await Promise.all(
      Array.from({ length: this.shards }, (_, shard) => this.queryShard(`AGE#${shard}`, today)),
    );
    return perShard.flat().sort((a, b) => (a.loanId < b.loanId ? -1 : a.loanId > b.loanId ? 1 : 0));
  }

  private async queryShard(shard: string, today: LocalDate): Promise<LoanRecord[]> {
    const loans: LoanRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: AGEING_INDEX,
          KeyConditionExpression: 'ageShard = :shard AND ageSort < :today',
          ExpressionAttributeValues: { ':shard': shard, ':today': today },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) loans.push(recordOf<LoanRecord>(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return loans;
  }
}
