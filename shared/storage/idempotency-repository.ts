import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BeginResult, IdempotencyRecord, KeyedAnswer, StoredResponse } from '#shared/ports/records.ts';
import type { IdempotencyRecords } from '#shared/ports/stores.ts';
import { isConditionalFailure } from './document-client.ts';
import { keys } from './keys.ts';

/**
 * A key is free when no record holds it, its record has expired (TTL removes it some time later), or
 * its request died in progress (the lease ran out): a retry may run the request then.
 */
const KEY_IS_FREE =
  'attribute_not_exists(pk) OR expiresAt < :now OR (#status = :inProgress AND inProgressUntil < :now)';

/** The Put of a completed answer, taken only while its key is free: alone, or in the transaction it answers. */
export function answerPut(tableName: string, answer: KeyedAnswer) {
  const nowSeconds = Math.floor(answer.now.getTime() / 1000);
  return {
    TableName: tableName,
    Item: {
      ...keys.idempotency(answer.partnerId, answer.key),
      kind: 'idempotency',
      requestHash: answer.requestHash,
      status: 'completed',
      response: answer.response,
      expiresAt: nowSeconds + answer.ttlSeconds,
    },
    ConditionExpression: KEY_IS_FREE,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':now': nowSeconds, ':inProgress': 'in_progress' },
  };
}

/**
 * Idempotency records for partner POSTs, one partition per (partner, key): a conditional put starts a
 * request; the response is stored when it finishes; a failed request releases its key.
 */
export class IdempotencyRepository implements IdempotencyRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Longer than any API function's timeout: a request still in progress after this has died. */
    private readonly inProgressSeconds: number,
  ) {}

  async begin(
    partnerId: string,
    key: string,
    requestHash: string,
    now: Date,
    ttlSeconds: number,
  ): Promise<BeginResult> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.idempotency(partnerId, key),
            kind: 'idempotency',
            requestHash,
            status: 'in_progress',
            inProgressUntil: nowSeconds + this.inProgressSeconds,
            expiresAt: nowSeconds + ttlSeconds,
          },
          ConditionExpression: KEY_IS_FREE,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': nowSeconds, ':inProgress': 'in_progress' },
        }),
      );
      return { kind: 'started' };
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
    const existing = await this.get(partnerId, key);
    if (!existing) return this.begin(partnerId, key, requestHash, now, ttlSeconds);
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.status === 'completed' && existing.response)
      return { kind: 'replay', response: existing.response };
    return { kind: 'in_progress' };
  }

  /** Stores the answer on the record its request began; with none left (released, expired) there is nothing to do. */
  async complete(partnerId: string, key: string, response: StoredResponse): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.idempotency(partnerId, key),
          UpdateExpression: 'SET #status = :completed, #response = :response',
          // Never a record with an answer and no request hash or expiry: it would refuse the key for good.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
          ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
  }

  async saveAnswer(answer: KeyedAnswer): Promise<boolean> {
    try {
      await this.db.send(new PutCommand(answerPut(this.tableName, answer)));
      return true;
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      return false;
    }
  }

  async release(partnerId: string, key: string): Promise<void> {
    await this.db
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.idempotency(partnerId, key),
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress' },
        }),
      )
      .catch((err) => {
        if (!isConditionalFailure(err)) throw err;
      });
  }

  async get(partnerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.idempotency(partnerId, key),
        ConsistentRead: true,
      }),
    );
    return out.Item as IdempotencyRecord | undefined;
  }
}
