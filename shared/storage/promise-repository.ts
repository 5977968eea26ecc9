import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { PaymentMade } from '#shared/collection/promises.ts';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { PromiseToPay } from '#shared/ports/desk.ts';
import type {
  PartnerPromiseWrite,
  PromiseDue,
  PromiseJudgmentWrite,
  PromiseStore,
} from '#shared/ports/promises.ts';
import { isConditionalFailure } from './document-client.ts';
import { keys } from './keys.ts';
import { loanFieldsUpdate } from './loan-fields-update.ts';
import { outboxPut } from './outbox.ts';
import { watchUpdate } from './watchlist-repository.ts';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** The promise item and its place among the promises waiting for judgment: written together. */
export function promisePuts(tableName: string, promise: PromiseToPay): TransactItems {
  return [
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.promise(promise.loanId, promise.promiseId), kind: 'promise', ...promise },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.promiseDue(promise.date, promise.loanId, promise.promiseId),
          kind: 'promise_due',
          loanId: promise.loanId,
          promiseId: promise.promiseId,
          date: promise.date,
        },
      },
    },
  ];
}

/** Partner promises, the promises due for judgment, and judgments (see `PromiseStore`). */
export class PromiseRepository implements PromiseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordPartnerPromise(write: PartnerPromiseWrite): Promise<void> {
    const { promise } = write;
    await this.transact(promise.loanId, [
      loanFieldsUpdate(this.tableName, promise.loanId, write.expectedVersion, { promise: write.open }),
      ...promisePuts(this.tableName, promise),
      ...write.events.map((e) => outboxPut(this.tableName, e)),
    ]);
  }

  async promisesDue(businessDate: LocalDate): Promise<PromiseDue[]> {
    const due: PromiseDue[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': keys.promisesDuePartition, ':before': businessDate },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? [])
        due.push({
          loanId: item.loanId as string,
          promiseId: item.promiseId as string,
          date: item.date as string,
        });
      start = out.LastEvaluatedKey;
    } while (start);
    return due;
  }

  async paymentsOf(loanId: string): Promise<PaymentMade[]> {
    const payments: PaymentMade[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pay)',
          ExpressionAttributeValues: { ':pk': keys.loanPartition(loanId), ':pay': keys.paymentPrefix },
          ProjectionExpression: 'amount, paidAt',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? [])
        payments.push({ amount: item.amount as number, paidAt: item.paidAt as string });
      start = out.LastEvaluatedKey;
    } while (start);
    return payments;
  }

  async recordJudgment(write: PromiseJudgmentWrite): Promise<void> {
    const { loanId, promise, verdict } = write;
    await this.transact(loanId, [
      loanFieldsUpdate(this.tableName, loanId, write.expectedVersion, {
        promise: undefined,
        ...(write.escalation ? { escalation: write.escalation } : {}),
      }),
      {
        Update: {
          TableName: this.tableName,
          Key: keys.promise(loanId, promise.promiseId),
          UpdateExpression: 'SET #status = :verdict, judgedOn = :on, paid = :paid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':verdict': verdict.verdict,
            ':on': write.judgedOn,
            ':paid': verdict.paid,
          },
        },
      },
      {
        Delete: { TableName: this.tableName, Key: keys.promiseDue(promise.date, loanId, promise.promiseId) },
      },
      ...(verdict.verdict === 'broken' ? [this.brokenPromiseOnIdentity(write)] : []),
      ...(write.warning ? [watchUpdate(this.tableName, write, [write.warning])] : []),
      ...write.events.map((e) => outboxPut(this.tableName, e)),
    ]);
  }

  /** The person's record of a broken promise: one attribute per promise, so a rerun cannot count it twice. */
  private brokenPromiseOnIdentity(write: PromiseJudgmentWrite) {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.identity(write.identityHash),
        UpdateExpression: 'SET #broken = :on, kind = :kind',
        ExpressionAttributeNames: { '#broken': keys.identityBrokenPromiseAttribute(write.promise.promiseId) },
        ExpressionAttributeValues: { ':on': write.judgedOn, ':kind': 'identity' },
      },
    };
  }

  /** The loan's version check is the only condition: its failure means the loan moved on. */
  private async transact(loanId: string, items: TransactItems): Promise<void> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (isConditionalFailure(err)) throw new LoanVersionConflict(`loan ${loanId} changed`, { cause: err });
      throw err;
    }
  }
}
