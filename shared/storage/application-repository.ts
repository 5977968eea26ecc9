import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from './borrower-repository.ts';
import { cancellationCodes, isConditionalFailure } from './document-client.ts';
import { keys, recordOf } from './keys.ts';

/** A stored credit decision: enough to show it again and to replay how it was reached. */
export interface ApplicationRecord {
  applicationId: string;
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  decision: 'approve' | 'refer' | 'decline';
  score: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'E';
  reasons: { code: string; text: string }[];
  offer: {
    amount: number;
    termMonths: number;
    aprBps: number;
    repaymentMethod: 'equal_installment' | 'equal_principal' | 'bullet';
    installmentAmount: number;
    totalRepayable: number;
  } | null;
  modelVersion: string;
  /** SHA-256 of the canonical scoring inputs (personal data hashed first). */
  inputHash: string;
  createdAt: string;
  expiresAt: string;
  /** Set once a loan is booked from this application. */
  loanId?: string;
}

export class ApplicationExistsError extends Error {
  override name = 'ApplicationExistsError';
}

export class ApplicationRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores a new decision; `together` (e.g. the applicant's borrower record) commits in the same
   * transaction, so a decision is never kept without its borrower nor a borrower changed without it.
   */
  async put(app: ApplicationRecord, together: TransactItem[] = []): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: { ...keys.application(app.applicationId), kind: 'application', ...app },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    try {
      if (together.length === 0) await this.db.send(new PutCommand(put));
      else await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...together] }));
    } catch (err) {
      const applicationExists =
        together.length === 0
          ? isConditionalFailure(err)
          : cancellationCodes(err)[0] === 'ConditionalCheckFailed';
      if (applicationExists) throw new ApplicationExistsError(`application ${app.applicationId} exists`);
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
