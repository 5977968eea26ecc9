import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  BorrowerAuditRecord,
  BorrowerHoldings,
  BorrowerRightsStore,
  LoanHolding,
} from '#shared/ports/borrower-rights.ts';
import type { ApplicationRecord, BorrowerRecord } from '#shared/ports/records.ts';
import { auditExpiry } from './audit-retention.ts';
import { batchGetAll, queryAll } from './document-client.ts';
import { borrowerPartition, keys, recordOf } from './keys.ts';
import { LoanFileRepository } from './loan-file-repository.ts';
import { BORROWER_INDEX } from './table-definition.ts';

/**
 * What is held about a person, found through the borrower index (their applications and loans at the
 * partner), each loan's partition (schedule, payments, tasks) and contact lines; the erasure as one
 * transaction with its audit record.
 */
export class BorrowerRightsRepository implements BorrowerRightsStore {
  private readonly files: LoanFileRepository;
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.files = new LoanFileRepository(db, tableName);
  }

  async holdingsOf(partnerId: string, borrowerId: string): Promise<BorrowerHoldings | undefined> {
    const found = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.borrower(partnerId, borrowerId),
        ConsistentRead: true,
      }),
    );
    if (!found.Item) return undefined;
    const owned = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: BORROWER_INDEX,
      KeyConditionExpression: 'borrowerKey = :owner',
      ExpressionAttributeValues: { ':owner': borrowerPartition(partnerId, borrowerId) },
    });
    const ids = (kind: string) =>
      owned
        .map((k) => k.borrowerSort as string)
        .filter((sort) => sort.startsWith(`${kind}#`))
        .map((sort) => sort.slice(kind.length + 1));
    const applications = await this.applications(ids('application'));
    const loans: LoanHolding[] = [];
    for (const loanId of ids('loan')) {
      const holding = await this.files.fileOf(loanId);
      if (holding) loans.push(holding);
    }
    return { borrower: recordOf<BorrowerRecord>(found.Item), applications, loans };
  }

  async recordExport(audit: BorrowerAuditRecord): Promise<void> {
    await this.db.send(new PutCommand(this.auditPut(audit)));
  }

  async erase(borrower: BorrowerRecord, audit: BorrowerAuditRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.borrower(borrower.partnerId, borrower.borrowerId),
              // Empty ciphertexts read as "no address": nothing is sent and nothing can be decrypted.
              UpdateExpression:
                'SET nameEncrypted = :none, phoneEncrypted = :none, erasedAt = :at REMOVE emailEncrypted, birthDate, phoneHash',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':none': '', ':at': audit.at },
            },
          },
          ...(borrower.phoneHash
            ? [
                {
                  Delete: {
                    TableName: this.tableName,
                    Key: keys.phone(borrower.phoneHash, borrower.partnerId, borrower.borrowerId),
                  },
                },
              ]
            : []),
          { Put: this.auditPut(audit) },
        ],
      }),
    );
  }

  async listAudit(partnerId: string, borrowerId: string): Promise<BorrowerAuditRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.borrowerAuditPartition(partnerId, borrowerId) },
    });
    return items.map((item) => recordOf<BorrowerAuditRecord>(item, ['expiresAt']));
  }

  private auditPut(audit: BorrowerAuditRecord) {
    return {
      TableName: this.tableName,
      Item: {
        ...keys.borrowerAudit(audit.partnerId, audit.borrowerId, audit.at, audit.auditId),
        kind: 'audit',
        ...audit,
        expiresAt: auditExpiry(audit.at),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }

  private async applications(ids: string[]): Promise<ApplicationRecord[]> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      ids.map((id) => keys.application(id)),
    );
    return items
      .map((item) => recordOf<ApplicationRecord>(item))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}
