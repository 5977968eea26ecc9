import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PromiseToPay } from '#shared/ports/desk.ts';
import type { LoanFile, LoanFiles } from '#shared/ports/loan-files.ts';
import type {
  CollectionTask,
  ContactEntry,
  InstallmentRecord,
  LoanRecord,
  PaymentRecord,
} from '#shared/ports/records.ts';
import { queryAll } from './document-client.ts';
import { keys, recordOf } from './keys.ts';

/** A loan's file: its partition (loan, installments, payments, tasks), its promises and its contact lines. */
export class LoanFileRepository implements LoanFiles {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async fileOf(loanId: string): Promise<LoanFile | undefined> {
    const partition = (pk: string, consistent: boolean) =>
      queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: consistent,
      });
    const items = await partition(keys.loanPartition(loanId), true);
    const loanItem = items.find((i) => i.kind === 'loan');
    if (!loanItem) return undefined;
    const of = <T>(kind: string) => items.filter((i) => i.kind === kind).map((i) => recordOf<T>(i));
    const contacts = await partition(keys.contactPartition(loanId), false);
    const promises = await partition(keys.promisePartition(loanId), true);
    return {
      loan: recordOf<LoanRecord>(loanItem),
      installments: of<InstallmentRecord>('installment').sort((a, b) => a.installmentNo - b.installmentNo),
      payments: of<PaymentRecord>('payment').sort((a, b) => a.paidAt.localeCompare(b.paidAt)),
      tasks: of<CollectionTask>('task').sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      promises: promises
        .map((i) => recordOf<PromiseToPay>(i))
        .sort((a, b) => a.madeAt.localeCompare(b.madeAt)),
      contacts: contacts.map((i) => recordOf<ContactEntry>(i, ['expiresAt'])),
    };
  }
}
