import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, ContactEntry, ContactKey, SlotReservation } from '#shared/ports/records.ts';
import type { ContactLedger } from '#shared/ports/stores.ts';
import { cancellationCodes, isConditionalFailure } from './document-client.ts';
import { keys, recordOf } from './keys.ts';

/**
 * The contact ledger: each (loan, installment, stage, channel) is claimed with a conditional write
 * before anything is sent. A claim whose lease ran out (its sender crashed) can be claimed again,
 * so an unfinished contact is retried, never dropped.
 */
export class ContactLedgerRepository implements ContactLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionYears: number,
  ) {}

  async claim(key: ContactKey, now: Date, leaseSeconds: number): Promise<ClaimResult> {
    try {
      await this.db.send(
        new UpdateCommand({ TableName: this.tableName, ...this.claimUpdate(key, now, leaseSeconds) }),
      );
      return 'claimed';
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      const existing = await this.get(key);
      return existing?.status === 'sent' || existing?.status === 'suppressed'
        ? 'already-sent'
        : 'in-progress';
    }
  }

  private claimUpdate(key: ContactKey, now: Date, leaseSeconds: number) {
    const expiresAt = new Date(now);
    expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + this.retentionYears);
    return {
      Key: keys.contact(key),
      UpdateExpression:
        'SET kind = :kind, loanId = :loanId, installmentNo = :no, occurrence = :occurrence, stage = :stage, ' +
        'channel = :channel, ' +
        '#status = :claimed, claimedAt = :now, leaseUntil = :lease, expiresAt = :ttl ADD attempts :one',
      ConditionExpression:
        'attribute_not_exists(pk) OR (#status <> :sent AND #status <> :suppressed AND leaseUntil < :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':kind': 'contact',
        ':loanId': key.loanId,
        ':no': key.installmentNo,
        ':occurrence': key.occurrence,
        ':stage': key.stage,
        ':channel': key.channel,
        ':claimed': 'claimed',
        ':sent': 'sent',
        ':suppressed': 'suppressed',
        ':now': now.toISOString(),
        ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
        ':ttl': Math.floor(expiresAt.getTime() / 1000),
        ':one': 1,
      },
    };
  }

  /** Records that the carrier accepted the message. */
  async markSent(key: ContactKey, sentAt: Date, messageId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contact(key),
        UpdateExpression: 'SET #status = :sent, sentAt = :at, messageId = :id REMOVE failure',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':at': sentAt.toISOString(), ':id': messageId },
      }),
    );
  }

  /** Records that the rules stopped this contact (opt-out, cap): decided for good, never retried. */
  async markSuppressed(key: ContactKey, at: Date, reason: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contact(key),
        UpdateExpression: 'SET #status = :suppressed, suppressedAt = :at, failure = :reason',
        ConditionExpression: '#status = :claimed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':suppressed': 'suppressed',
          ':claimed': 'claimed',
          ':at': at.toISOString(),
          ':reason': reason,
        },
      }),
    );
  }

  /**
   * Reserves one of the person's daily slots on a channel for a message, atomically and idempotently:
   * the same message reserves once however often it is retried; false when the cap is reached.
   */
  async reserveDailySlot(slot: SlotReservation): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.tableName, ...this.slotUpdate(slot) }));
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Claims every job's contacts and daily slot in one transaction. Returns the ids of the jobs whose
   * claim or slot stood in the way (nothing was written then); an empty list means all are claimed.
   */
  async claimAll(
    jobs: { id: string; keys: ContactKey[]; slot: SlotReservation }[],
    now: Date,
    leaseSeconds: number,
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    const owners: string[] = [];
    const items = jobs.flatMap((job) => {
      const ops = [
        { Update: { TableName: this.tableName, ...this.slotUpdate(job.slot) } },
        ...job.keys.map((key) => ({
          Update: { TableName: this.tableName, ...this.claimUpdate(key, now, leaseSeconds) },
        })),
      ];
      owners.push(...ops.map(() => job.id));
      return ops;
    });
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return [];
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      const codes = cancellationCodes(err);
      return [...new Set(owners.filter((_, i) => codes[i] === 'ConditionalCheckFailed'))];
    }
  }

  private slotUpdate(slot: SlotReservation) {
    return dailySlotUpdate(slot);
  }

  /** Records a failed attempt and releases the lease so a retry may claim it at once. */
  async markFailed(key: ContactKey, now: Date, failure: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contact(key),
        UpdateExpression: 'SET #status = :failed, failure = :f, leaseUntil = :now',
        ConditionExpression: '#status = :claimed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':claimed': 'claimed',
          ':f': failure,
          ':now': now.toISOString(),
        },
      }),
    );
  }

  async get(key: ContactKey): Promise<ContactEntry | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.contact(key),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toEntry(out.Item) : undefined;
  }

  /** Every ledger entry of a loan (for audit and loan status). */
  async listForLoan(loanId: string): Promise<ContactEntry[]> {
    const entries: ContactEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.contactPartition(loanId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      entries.push(...(out.Items ?? []).map(toEntry));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }
}

function toEntry(item: Record<string, unknown>): ContactEntry {
  return recordOf<ContactEntry>(item, ['expiresAt']);
}

/**
 * The conditional update that counts one message (or agent call) into a person's day on a channel, at most
 * `cap` distinct ones; counting the same one again changes nothing. The desk's claims use it too.
 */
export function dailySlotUpdate(slot: SlotReservation) {
  return {
    Key: keys.contactDay(slot.identityHash, slot.localDate),
    UpdateExpression: 'ADD #channel :msg SET kind = :kind, expiresAt = :ttl',
    ConditionExpression:
      '(attribute_not_exists(#channel) AND :cap > :none) OR contains(#channel, :key) OR size(#channel) < :cap',
    ExpressionAttributeNames: { '#channel': slot.channel },
    ExpressionAttributeValues: {
      ':msg': new Set([slot.messageKey]),
      ':key': slot.messageKey,
      ':cap': slot.cap,
      ':none': 0,
      ':kind': 'contact-day',
      ':ttl': Math.floor(Date.parse(`${slot.localDate}T00:00:00Z`) / 1000) + 8 * 86_400,
    },
  };
}
