import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ApplicationExists } from '#shared/errors/domain-errors.ts';
import type {
  ApplicationRecord,
  BorrowerRecord,
  IdempotencyRecord,
  IdentityStatus,
  KeyedAnswer,
} from '#shared/ports/records.ts';
import type { ApplicationStore } from '#shared/ports/stores.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { BorrowerRepository, TransactItem } from './borrower-repository.ts';
import { cancellationCodes, isConditionalFailure } from './document-client.ts';
import { answerPut } from './idempotency-repository.ts';
import { borrowerIndexKey, keys, recordOf } from './keys.ts';
import { outboxPut } from './outbox.ts';

export class ApplicationRepository implements ApplicationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Builds the borrower's writes, so a decision and its borrower commit in one transaction. */
    private readonly borrowers: BorrowerRepository,
  ) {}

  async saveDecisionWithBorrower(
    app: ApplicationRecord,
    borrower: BorrowerRecord,
    previous?: BorrowerRecord,
    together: { events?: DomainEvent[]; answer?: KeyedAnswer } = {},
  ): Promise<void> {
    await this.put(app, [
      ...this.borrowers.upsertItems(borrower, previous),
      ...this.incomeOnIdentity(app),
      ...(together.events ?? []).map((e) => outboxPut(this.tableName, e)),
      // Last, so a refused answer (another request holds the key) is the last cancellation reason.
      ...(together.answer ? [{ Put: answerPut(this.tableName, together.answer) }] : []),
    ]);
  }

  async scoringView(
    identityHash: string,
    partnerId: string,
    borrowerId?: string,
    idempotencyKey?: string,
  ): Promise<{ borrower?: BorrowerRecord; status: IdentityStatus; answered?: IdempotencyRecord }> {
    const keyItem = idempotencyKey === undefined ? undefined : keys.idempotency(partnerId, idempotencyKey);
    const { also, ...view } = await this.borrowers.scoringView(identityHash, partnerId, borrowerId, keyItem);
    return also ? { ...view, answered: answerOf(also) } : view;
  }

  /** The person's latest stated income, on their identity item: a later change of history's limit uses it. */
  private incomeOnIdentity(app: ApplicationRecord): TransactItem[] {
    if (app.monthlyIncome === undefined) return [];
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.identity(app.identityHash),
          UpdateExpression: 'SET monthlyIncome = :income, kind = :kind',
          ExpressionAttributeValues: { ':income': app.monthlyIncome, ':kind': 'identity' },
        },
      },
    ];
  }

  /**
   * Stores a new decision; `together` (e.g. the applicant's borrower record) commits in the same
   * transaction, so a decision is never kept without its borrower nor a borrower changed without it.
   */
  async put(app: ApplicationRecord, together: TransactItem[] = []): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: {
        ...keys.application(app.applicationId),
        kind: 'application',
        ...app,
        ...borrowerIndexKey(app, 'application', app.applicationId),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    try {
      if (together.length === 0) await this.db.send(new PutCommand(put));
      else await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...together] }));
    } catch (err) {
      const applicationExists =
        together.length === 0
          ? isConditionalFailure(err)
          : cancellationCodes(err).some((code) => code === 'ConditionalCheckFailed');
      if (applicationExists) throw new ApplicationExists(`application ${app.applicationId} exists`);
      throw err;
    }
  }

  async get(applicationId: string): Promise<ApplicationRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.application(applicationId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? recordOf<ApplicationRecord>(out.Item) : undefined;
  }
}

/** An idempotency record as its repository reads it back. */
function answerOf(item: Record<string, unknown>): IdempotencyRecord {
  const { requestHash, status, response, expiresAt } = item as unknown as IdempotencyRecord;
  return { requestHash, status, expiresAt, ...(response ? { response } : {}) };
}
