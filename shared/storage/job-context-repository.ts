import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
        keys.contact(it.loanId, it.installmentNo, job.stage, job.channel),
        ...(job.withEarlierInstallments
          ? Array.from({ length: it.installmentNo - 1 }, (_, i) => keys.installment(it.loanId, i + 1))
          : []),
      ]),
    ];
    const id = (k: { pk?: unknown; sk?: unknown }) => `${k.pk}|${k.sk}`;
    const unique = [...new Map(jobs.flatMap(keysOf).map((k) => [id(k), k])).values()];
    const historyLoans = [
      ...new Set(jobs.filter((j) => j.withLoanHistory).flatMap((j) => j.items.map((it) => it.loanId))),
    ];
    const [items, histories] = await Promise.all([
      batchGetAll(this.db, this.tableName, unique),
      Promise.all(historyLoans.map((loanId) => this.ledger.listForLoan(loanId))),
    ]);
    const found = new Map(items.map((item) => [id(item), item]));
    const historyOf = new Map(historyLoans.map((loanId, i) => [loanId, histories[i] ?? []]));
    return jobs.map((job) => {
      const context = assemble(
        keysOf(job).flatMap((k) => {
          const item = found.get(id(k));
          return item ? [item] : [];
        }),
      );
      if (job.withLoanHistory)
        for (const it of job.items) context.loanHistory.set(it.loanId, historyOf.get(it.loanId) ?? []);
      return context;
    });
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
