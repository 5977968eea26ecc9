import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SliceLeaseLost } from '#shared/errors/domain-errors.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { SliceBegin, SliceCounts } from '#shared/ports/records.ts';
import type { SweepSliceStore } from '#shared/ports/stores.ts';
import { isConditionalFailure } from './document-client.ts';
import { keys } from './keys.ts';

const NO_COUNTS: SliceCounts = { pages: 0, installments: 0, jobs: 0, readUnits: 0 };

/** Sweep slices and the sweep's cursor: leases, checkpoints and the last business date swept. */
export class SweepSliceRepository implements SweepSliceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async begin(
    businessDate: string,
    sliceId: string,
    owner: string,
    now: Date,
    leaseSeconds: number,
  ): Promise<SliceBegin> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sweepSlice(businessDate, sliceId),
          UpdateExpression:
            'SET kind = :kind, #status = :running, #owner = :owner, leaseUntil = :lease, expiresAt = :expires ADD attempts :one',
          // New, or running under a lease that ran out (its holder died): take it over from its checkpoint.
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :running AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':kind': 'sweep-slice',
            ':running': 'running',
            ':owner': owner,
            ':now': now.toISOString(),
            ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
            ':expires': Math.floor(now.getTime() / 1000) + 90 * 86_400,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = out.Attributes ?? {};
      return {
        kind: 'started',
        ...(typeof item.checkpoint === 'string' ? { checkpoint: item.checkpoint } : {}),
        counts: (item.counts as SliceCounts | undefined) ?? NO_COUNTS,
      };
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.sweepSlice(businessDate, sliceId),
        ConsistentRead: true,
      }),
    );
    const item = out.Item ?? {};
    return item.status === 'done'
      ? { kind: 'done', counts: (item.counts as SliceCounts | undefined) ?? NO_COUNTS }
      : { kind: 'busy', leaseUntil: String(item.leaseUntil) };
  }

  async checkpoint(
    businessDate: string,
    sliceId: string,
    owner: string,
    next: string | undefined,
    counts: SliceCounts,
    leaseUntil: Date,
  ): Promise<void> {
    await this.ownedUpdate(
      businessDate,
      sliceId,
      owner,
      next === undefined
        ? 'SET counts = :counts, leaseUntil = :lease REMOVE checkpoint'
        : 'SET counts = :counts, leaseUntil = :lease, checkpoint = :next',
      {
        ':counts': counts,
        ':lease': leaseUntil.toISOString(),
        ...(next === undefined ? {} : { ':next': next }),
      },
    );
  }

  async complete(businessDate: string, sliceId: string, owner: string, counts: SliceCounts): Promise<void> {
    await this.ownedUpdate(
      businessDate,
      sliceId,
      owner,
      'SET #status = :done, counts = :counts REMOVE checkpoint',
      {
        ':done': 'done',
        ':counts': counts,
      },
    );
  }

  private async ownedUpdate(
    businessDate: string,
    sliceId: string,
    owner: string,
    update: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sweepSlice(businessDate, sliceId),
          UpdateExpression: update,
          ConditionExpression: '#owner = :owner AND #status = :running',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':owner': owner, ':running': 'running' },
        }),
      );
    } catch (err) {
      if (isConditionalFailure(err)) throw new SliceLeaseLost(`slice ${sliceId} was taken over`);
      throw err;
    }
  }

  async lastSweptDate(): Promise<LocalDate | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.sweepCursor, ConsistentRead: true }),
    );
    return out.Item?.businessDate as LocalDate | undefined;
  }

  async advanceCursor(businessDate: LocalDate): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sweepCursor,
          UpdateExpression: 'SET kind = :kind, businessDate = :date',
          ConditionExpression: 'attribute_not_exists(businessDate) OR businessDate < :date',
          ExpressionAttributeValues: { ':kind': 'sweep-cursor', ':date': businessDate },
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err; // already at or past this date
    }
  }
}
