import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DeskTaskChanged, ReviewAlreadyRequested } from '#shared/errors/domain-errors.ts';
import type { ApplicationRecord, DecisionReview } from '#shared/ports/records.ts';
import type { ReviewAuditRecord, ReviewPage, ReviewStore } from '#shared/ports/reviews.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { auditExpiry } from './audit-retention.ts';
import { deskIndexPage } from './desk-index.ts';
import { isConditionalFailure, queryAll } from './document-client.ts';
import { keys, recordOf, reviewIndexKey, reviewStatusKey } from './keys.ts';
import { outboxPut } from './outbox.ts';

/**
 * Reviews live on the application item they review: the request and the answer each update it (and its
 * place in the desk index) under a condition on the review's state, with the event (and the answer's
 * audit record) in the same transaction.
 */
export class ReviewRepository implements ReviewStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async request(app: ApplicationRecord, review: DecisionReview, event: DomainEvent): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.reviewUpdate(app, review, 'attribute_exists(pk) AND attribute_not_exists(review)'),
            outboxPut(this.tableName, event),
          ],
        }),
      );
    } catch (err) {
      if (isConditionalFailure(err)) throw new ReviewAlreadyRequested();
      throw err;
    }
  }

  async answer(
    app: ApplicationRecord,
    review: DecisionReview,
    audit: ReviewAuditRecord,
    event: DomainEvent,
  ): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.reviewUpdate(app, review, 'review.#status = :requested', { ':requested': 'requested' }),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.reviewAudit(audit.applicationId, audit.at, audit.auditId),
                  kind: 'audit',
                  ...audit,
                  expiresAt: auditExpiry(audit.at),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            outboxPut(this.tableName, event),
          ],
        }),
      );
    } catch (err) {
      if (isConditionalFailure(err)) throw new DeskTaskChanged('the review changed', { cause: err });
      throw err;
    }
  }

  async list(filter: { status: 'open' | 'closed'; limit: number; cursor?: string }): Promise<ReviewPage> {
    const page = await deskIndexPage(this.db, this.tableName, reviewStatusKey(filter.status), filter);
    return {
      applications: page.items.map((item) => recordOf<ApplicationRecord>(item)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  }

  async listAudit(applicationId: string): Promise<ReviewAuditRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.reviewAuditPartition(applicationId) },
    });
    return items.map((item) => recordOf<ReviewAuditRecord>(item, ['expiresAt']));
  }

  private reviewUpdate(
    app: ApplicationRecord,
    review: DecisionReview,
    condition: string,
    values: Record<string, unknown> = {},
  ) {
    const index = reviewIndexKey(review, app.applicationId);
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.application(app.applicationId),
        UpdateExpression: 'SET review = :review, deskStatus = :index, deskSort = :sort',
        ConditionExpression: condition,
        ...(condition.includes('#status') ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: {
          ':review': review,
          ':index': index.deskStatus,
          ':sort': index.deskSort,
          ...values,
        },
      },
    };
  }
}
