import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LoanExposure } from '#shared/lending/exposure.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { BorrowerRecord, ContactPreferences, IdentityStatus } from '#shared/ports/records.ts';
import type { BorrowerStore } from '#shared/ports/stores.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { CreditLimitRecord, LoanHistory } from '#shared/scoring/behaviour.ts';
import { batchGetAll, isConditionalFailure } from './document-client.ts';
import { type ItemKey, keys, recordOf } from './keys.ts';
import { outboxPut } from './outbox.ts';

function identityStatusOf(identityHash: string, item?: Record<string, unknown>): IdentityStatus {
  const loans: Record<string, LoanExposure> = {};
  const histories: Record<string, LoanHistory> = {};
  const brokenPromises: LocalDate[] = [];
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(keys.identityLoanPrefix))
      loans[name.slice(keys.identityLoanPrefix.length)] = value as LoanExposure;
    else if (name.startsWith(keys.identityHistoryPrefix))
      histories[name.slice(keys.identityHistoryPrefix.length)] = value as LoanHistory;
    else if (name.startsWith(keys.identityBrokenPromisePrefix)) brokenPromises.push(value as LocalDate);
  }
  return {
    identityHash,
    loans,
    histories,
    brokenPromises: brokenPromises.sort(),
    ...(typeof item?.monthlyIncome === 'number' ? { monthlyIncome: item.monthlyIncome } : {}),
    ...(item?.creditLimit ? { creditLimit: item.creditLimit as CreditLimitRecord } : {}),
  };
}

/** One item of a TransactWriteItems call. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Borrowers per partner, and the cross-partner identity status keyed by the national-ID HMAC. */
export class BorrowerRepository implements BorrowerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the borrower or refreshes its contact data; preferences already set are kept. */
  async upsert(borrower: BorrowerRecord): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: this.upsertItems(borrower) }));
  }

  /**
   * The writes of `upsert` (the borrower and its phone lookup item), for a caller that commits them in
   * one transaction with its own. Given the record as it was (a stored borrower: an application of it),
   * its consents are replaced by the new record's while the other preferences are kept, and a changed
   * phone number also drops the old number's lookup item, so a STOP from a number the borrower no
   * longer uses does not reach them.
   */
  upsertItems(borrower: BorrowerRecord, previous?: BorrowerRecord): TransactItem[] {
    const { preferences, createdAt, ...rest } = borrower;
    const names: Record<string, string> = {
      '#prefs': 'preferences',
      '#created': 'createdAt',
      '#kind': 'kind',
    };
    const values: Record<string, unknown> = {
      ':created': createdAt,
      ':kind': 'borrower',
    };
    const sets = ['#created = if_not_exists(#created, :created)', '#kind = :kind'];
    if (previous) {
      // Only the consents: a concurrent opt-out or preference change to the rest is not overwritten.
      names['#consents'] = 'consents';
      values[':consents'] = preferences.consents;
      sets.push('#prefs.#consents = :consents');
    } else {
      values[':prefs'] = preferences;
      sets.push('#prefs = if_not_exists(#prefs, :prefs)');
    }
    for (const [i, [name, value]] of Object.entries(rest).entries()) {
      if (value === undefined) continue;
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    }
    // A new number is not the one an agent found wrong: its mark goes (it would no longer match anyway).
    const newNumber = previous?.wrongNumber && previous.phoneHash !== borrower.phoneHash;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.borrower(borrower.partnerId, borrower.borrowerId),
          UpdateExpression: `SET ${sets.join(', ')}${newNumber ? ' REMOVE wrongNumber' : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    if (borrower.phoneHash) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.phone(borrower.phoneHash, borrower.partnerId, borrower.borrowerId),
            kind: 'phone',
            partnerId: borrower.partnerId,
            borrowerId: borrower.borrowerId,
          },
        },
      });
    }
    if (previous?.phoneHash && previous.phoneHash !== borrower.phoneHash) {
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: keys.phone(previous.phoneHash, borrower.partnerId, borrower.borrowerId),
        },
      });
    }
    return items;
  }

  /**
   * What scoring reads before deciding, in one strongly consistent BatchGetItem: the partner's borrower
   * (when the partner named one) and the person's cross-partner identity status; with `alsoRead`, one
   * more item in the same request (the application store's idempotency record), as found.
   */
  async scoringView(
    identityHash: string,
    partnerId: string,
    borrowerId?: string,
    alsoRead?: ItemKey,
  ): Promise<{ borrower?: BorrowerRecord; status: IdentityStatus; also?: Record<string, unknown> }> {
    const identityKey = keys.identity(identityHash);
    const borrowerKey = borrowerId ? keys.borrower(partnerId, borrowerId) : undefined;
    const wanted = [identityKey, borrowerKey, alsoRead].filter((k): k is ItemKey => k !== undefined);
    const isKey = (item: Record<string, unknown>, key?: ItemKey) =>
      item.pk === key?.pk && item.sk === key?.sk;
    const found = await batchGetAll(this.db, this.tableName, wanted);
    const identity = found.find((i) => isKey(i, identityKey));
    const borrower = found.find((i) => isKey(i, borrowerKey));
    const also = found.find((i) => isKey(i, alsoRead));
    return {
      borrower: borrower ? recordOf<BorrowerRecord>(borrower) : undefined,
      status: identityStatusOf(identityHash, identity),
      ...(also ? { also } : {}),
    };
  }

  /** Borrowers (at any partner) who use the phone number with this hash. */
  async findByPhoneHash(phoneHash: string): Promise<{ partnerId: string; borrowerId: string }[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.phonePartition(phoneHash) },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      partnerId: i.partnerId as string,
      borrowerId: i.borrowerId as string,
    }));
  }

  /** Opts the borrower out of a channel at once (inbound STOP); false when there is no such borrower. */
  async optOut(
    partnerId: string,
    borrowerId: string,
    channel: 'sms' | 'email',
    at: string,
    /** When the request came from a phone number: only if the borrower still uses it. */
    fromPhoneHash?: string,
  ): Promise<boolean> {
    const current = await this.get(partnerId, borrowerId);
    if (!current) return false;
    if (fromPhoneHash !== undefined && current.phoneHash !== fromPhoneHash) return false;
    if (current.preferences.optOut.includes(channel)) return true;
    const preferences = { ...current.preferences, optOut: [...current.preferences.optOut, channel] };
    return this.setPreferences(partnerId, borrowerId, preferences, at);
  }

  async markWrongNumber(
    partnerId: string,
    borrowerId: string,
    mark: { since: string; phoneHash: string },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.borrower(partnerId, borrowerId),
          UpdateExpression: 'SET wrongNumber = :mark',
          ConditionExpression: 'phoneHash = :hash',
          ExpressionAttributeValues: { ':mark': mark, ':hash': mark.phoneHash },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }

  async get(partnerId: string, borrowerId: string): Promise<BorrowerRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.borrower(partnerId, borrowerId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? recordOf<BorrowerRecord>(out.Item) : undefined;
  }

  /** Sets contact preferences of an existing borrower; false when there is no such borrower. */
  async setPreferences(
    partnerId: string,
    borrowerId: string,
    preferences: ContactPreferences,
    updatedAt: string,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.borrower(partnerId, borrowerId),
          UpdateExpression: 'SET preferences = :p, updatedAt = :u',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':p': preferences, ':u': updatedAt },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async saveCreditLimit(
    identityHash: string,
    expected: number | null,
    next: CreditLimitRecord,
    events: DomainEvent[],
  ): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.identity(identityHash),
                UpdateExpression: 'SET creditLimit = :next',
                ConditionExpression:
                  expected === null ? 'attribute_not_exists(creditLimit)' : 'creditLimit.#limit = :expected',
                ...(expected === null ? {} : { ExpressionAttributeNames: { '#limit': 'limit' } }),
                ExpressionAttributeValues: {
                  ':next': next,
                  ...(expected === null ? {} : { ':expected': expected }),
                },
              },
            },
            ...events.map((e) => outboxPut(this.tableName, e)),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }

  /** One key lookup: is this person overdue, or under a hardship plan, on any loan of any partner? */
  async identityStatus(identityHash: string): Promise<IdentityStatus> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.identity(identityHash), ConsistentRead: true }),
    );
    return identityStatusOf(identityHash, out.Item);
  }
}
