import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BulkResultExists, LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import type { AuditRecord } from '#shared/ports/desk.ts';
import type { BulkLoanResult, LoanActionWrite, SupervisionStore } from '#shared/ports/supervision.ts';
import { auditPut } from './desk-repository.ts';
import { cancellationCodes, isConditionalFailure } from './document-client.ts';
import { bulkResultKey, provinceShardKey } from './keys.ts';
import type { LoanRepository } from './loan-repository.ts';
import { PROVINCE_INDEX } from './table-definition.ts';

/** A bulk action's results are kept as long as an idempotency key answers (a day), and a little more. */
const BULK_RESULT_RETENTION_SECONDS = 7 * 86_400;

/**
 * The supervisor's actions on loans: each commits the loan write (as the loan store builds it, under its
 * version), the audit record and, in a bulk action, the loan's result, in one transaction.
 */
export class SupervisionRepository implements SupervisionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly loans: LoanRepository,
    private readonly provinceIndexShards: number,
  ) {}

  async applyLoanAction(write: LoanActionWrite): Promise<void> {
    const bulk = write.bulk
      ? [this.bulkResultPut(write.bulk.actionId, write.bulk.result, write.audit.at)]
      : [];
    const loanItems = this.loans.writeItems(write.loan, write.expectedVersion, write.installments, {
      ...(write.exposure === undefined ? {} : { exposure: write.exposure }),
      events: write.events,
    });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [...bulk, ...loanItems, auditPut(this.tableName, write.audit)],
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      if (bulk.length > 0 && cancellationCodes(err)[0] === 'ConditionalCheckFailed')
        throw new BulkResultExists('the loan’s result is written already', { cause: err });
      throw new LoanVersionConflict(
        `loan ${write.loan.loanId} changed since version ${write.expectedVersion}`,
        {
          cause: err,
        },
      );
    }
  }

  async recordBulkRefusal(audit: AuditRecord, actionId: string, result: BulkLoanResult): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [this.bulkResultPut(actionId, result, audit.at), auditPut(this.tableName, audit)],
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      throw new BulkResultExists('the loan’s result is written already', { cause: err });
    }
  }

  async bulkResults(actionId: string): Promise<Map<string, BulkLoanResult>> {
    const results = new Map<string, BulkLoanResult>();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': bulkResultKey(actionId, '').pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const result = item.result as BulkLoanResult;
        results.set(result.loanId, result);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return results;
  }

  /** One Query per shard of the province index (keys only): never a Scan of the book. */
  async activeLoansInProvince(provinceCode: string): Promise<string[]> {
    const ids: string[] = [];
    for (let shard = 0; shard < this.provinceIndexShards; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: PROVINCE_INDEX,
            KeyConditionExpression: 'provinceShard = :shard',
            ExpressionAttributeValues: { ':shard': provinceShardKey(provinceCode, shard) },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) ids.push(item.provinceSort as string);
        start = out.LastEvaluatedKey;
      } while (start);
    }
    return ids.sort();
  }

  private bulkResultPut(actionId: string, result: BulkLoanResult, at: string) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...bulkResultKey(actionId, result.loanId),
          kind: 'bulk_result',
          result,
          expiresAt: Math.floor(Date.parse(at) / 1000) + BULK_RESULT_RETENTION_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
}
