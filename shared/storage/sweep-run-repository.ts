import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SweepRunStore } from '#shared/ports/stores.ts';
import { isConditionalFailure } from './document-client.ts';
import { keys } from './keys.ts';

/**
 * One sweep per business date runs to completion: a duplicated delivery of a finished run does nothing,
 * one racing a live run backs off, and a run that died (its lease ran out) is taken over and redone.
 */
export class SweepRunRepository implements SweepRunStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async begin(
    businessDate: string,
    now: Date,
    leaseSeconds: number,
  ): Promise<'started' | 'done' | 'running'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sweepRun(businessDate),
          UpdateExpression:
            'SET kind = :kind, #status = :running, leaseUntil = :lease, startedAt = :now ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :running AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':kind': 'sweep-run',
            ':running': 'running',
            ':now': now.toISOString(),
            ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
            ':one': 1,
          },
        }),
      );
      return 'started';
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.sweepRun(businessDate),
        UpdateExpression: 'SET duplicateDeliveries = if_not_exists(duplicateDeliveries, :zero) + :one',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes?.status === 'done' ? 'done' : 'running';
  }

  async complete(businessDate: string, summary: Record<string, number>): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.sweepRun(businessDate),
        UpdateExpression: 'SET #status = :done, summary = :summary',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'done', ':summary': summary },
      }),
    );
  }
}
