import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { DeskTaskChanged } from '#shared/errors/domain-errors.ts';
import type {
  ComplaintAuditRecord,
  ComplaintPage,
  ComplaintRecord,
  ComplaintStore,
} from '#shared/ports/complaints.ts';
import { auditExpiry } from './audit-retention.ts';
import { deskIndexPage } from './desk-index.ts';
import { isConditionalFailure, queryAll } from './document-client.ts';
import { complaintIndexKey, complaintStatusKey, keys, recordOf } from './keys.ts';
import { DESK_INDEX } from './table-definition.ts';

/**
 * Complaints in the table, listed through the desk index's complaint partitions (oldest first). An answer
 * closes the complaint and writes its audit record in one transaction, conditional on it being open.
 */
export class ComplaintRepository implements ComplaintStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(complaint: ComplaintRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.complaint(complaint.complaintId),
            kind: 'complaint',
            ...complaint,
            ...complaintIndexKey(complaint),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }

  async get(complaintId: string): Promise<ComplaintRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.complaint(complaintId), ConsistentRead: true }),
    );
    return out.Item ? recordOf<ComplaintRecord>(out.Item) : undefined;
  }

  async list(filter: { status: 'open' | 'closed'; limit: number; cursor?: string }): Promise<ComplaintPage> {
    const page = await deskIndexPage(this.db, this.tableName, complaintStatusKey(filter.status), filter);
    return {
      complaints: page.items.map((item) => recordOf<ComplaintRecord>(item)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  }

  async listOpenReceivedBefore(instant: string): Promise<ComplaintRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: DESK_INDEX,
      KeyConditionExpression: 'deskStatus = :status AND deskSort < :before',
      ExpressionAttributeValues: { ':status': complaintStatusKey('open'), ':before': instant },
    });
    return items.map((item) => recordOf<ComplaintRecord>(item));
  }

  async answer(
    complaint: ComplaintRecord,
    answer: { text: string; by: string; at: string },
    audit: ComplaintAuditRecord,
  ): Promise<void> {
    const closed = complaintIndexKey({ ...complaint, status: 'closed' });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.complaint(complaint.complaintId),
                UpdateExpression:
                  'SET #status = :closed, answer = :text, answeredBy = :by, answeredAt = :at, deskStatus = :index',
                ConditionExpression: '#status = :open',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':closed': 'closed',
                  ':open': 'open',
                  ':text': answer.text,
                  ':by': answer.by,
                  ':at': answer.at,
                  ':index': closed.deskStatus,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.complaintAudit(audit.complaintId, audit.at, audit.auditId),
                  kind: 'audit',
                  ...audit,
                  expiresAt: auditExpiry(audit.at),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (isConditionalFailure(err)) throw new DeskTaskChanged('the complaint changed', { cause: err });
      throw err;
    }
  }

  async listAudit(complaintId: string): Promise<ComplaintAuditRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': keys.complaintPartition(complaintId), ':audit': 'AUDIT#' },
    });
    return items.map((item) => recordOf<ComplaintAuditRecord>(item, ['expiresAt']));
  }
}
