import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  BorrowerRecord,
  ContactEntry,
  InstallmentRecord,
  JobContext,
  JobKeys,
  LoanRecord,
} from '#shared/ports/records.ts';
import type { JobContextStore } from '#shared/ports/stores.ts';
import type { ContactLedgerRepository } from './contact-ledger-repository.ts';
import { batchGetAll } from './document-client.ts';
import { type ItemKey, keys, recordOf } from './keys.ts';

/**
 * What the sender must re-read before contacting (the borrower, each loan and installment, and the
 * ledger entries it would claim) in one strongly consistent BatchGetItem instead of a call apiece.
 */
export class JobContextRepository implements JobContextStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Reads a loan's whole ledger, for the jobs that ask for it. */
    private readonly ledger: ContactLedgerRepository,
  ) {}

  /** The contexts of several jobs (an SQS batch) in as few BatchGetItem calls as 100 keys a call allow. */
  async loadMany(jobs: readonly JobKeys[]): Promise<JobContext[]> {
    const keysOf = (job: JobKeys): ItemKey[] => [
      keys.borrower(job.partnerId, job.borrowerId),
      ...job.items.flatMap((it) => [
        keys.loan(it.loanId),
        keys.installment(it.loanId, it.installmentNo),
        keys.contact({
          ...it,
          occurrence: job.episode ? `e${job.episode}` : it.dueDate,
          stage: job.stage,
          channel: job.channel,
        }),
      ]),
    ];
    const id = (k: { pk?: unknown; sk?: unknown }) => `${k.pk}|${k.sk}`;
    const unique = [...new Map(jobs.flatMap(keysOf).map((k) => [id(k), k])).values()];
    const loansOf = (flag: 'withLoanHistory' | 'withLoanInstallments') => [
      ...new Set(jobs.filter((j) => j[flag]).flatMap((j) => j.items.map((it) => it.loanId))),
    ];
    const historyLoans = loansOf('withLoanHistory');
    const [items, histories, schedules] = await Promise.all([
      batchGetAll(this.db, this.tableName, unique),
      Promise.all(historyLoans.map((loanId) => this.ledger.listForLoan(loanId))),
      Promise.all(loansOf('withLoanInstallments').map((loanId) => this.installmentItems(loanId))),
    ]);
    const found = new Map(items.map((item) => [id(item), item]));
    const historyOf = new Map(historyLoans.map((loanId, i) => [loanId, histories[i] ?? []]));
    for (const item of schedules.flat()) found.set(id(item), item);
    return jobs.map((job) => {
      const own = keysOf(job).flatMap((k) => {
        const item = found.get(id(k));
        return item ? [item] : [];
      });
      const loanIds = new Set(job.items.map((it) => it.loanId));
      const whole = job.withLoanInstallments
        ? schedules.flat().filter((item) => loanIds.has(item.loanId as string))
        : [];
      const context = assemble([...own, ...whole]);
      if (job.withLoanHistory)
        for (const it of job.items) context.loanHistory.set(it.loanId, historyOf.get(it.loanId) ?? []);
      return context;
    });
  }

  private async installmentItems(loanId: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :inst)',
          ExpressionAttributeValues: { ':pk': keys.loanPartition(loanId), ':inst': keys.installmentPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function assemble(found: Record<string, unknown>[]): JobContext {
  const context: JobContext = {
    loans: new Map(),
    installments: new Map(),
    ledger: new Map(),
    loanHistory: new Map(),
  };
  for (const item of found) {
    switch (item.kind) {
      case 'borrower':
        context.borrower = recordOf<BorrowerRecord>(item);
        break;
      case 'loan': {
        const loan = recordOf<LoanRecord>(item);
        context.loans.set(loan.loanId, loan);
        break;
      }
      case 'installment': {
        const inst = recordOf<InstallmentRecord>(item);
        context.installments.set(`${inst.loanId}#${inst.installmentNo}`, inst);
        break;
      }
      case 'contact': {
        const entry = recordOf<ContactEntry>(item, ['expiresAt']);
        context.ledger.set(`${entry.loanId}#${entry.installmentNo}`, entry);
        break;
      }
    }
  }
  return context;
}
