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
  ) {}

  /** The contexts of several jobs (an SQS batch) in as few BatchGetItem calls as 100 keys a call allow. */
  async loadMany(jobs: readonly JobKeys[]): Promise<JobContext[]> {
    const keysOf = (job: JobKeys): ItemKey[] => [
      keys.borrower(job.partnerId, job.borrowerId),
      ...job.items.flatMap((it) => [
        keys.loan(it.loanId),
        keys.installment(it.loanId, it.installmentNo),
        keys.contact(it.loanId, it.installmentNo, job.stage, job.channel),
      ]),
    ];
    const id = (k: { pk?: unknown; sk?: unknown }) => `${k.pk}|${k.sk}`;
    const unique = [...new Map(jobs.flatMap(keysOf).map((k) => [id(k), k])).values()];
    const items = await batchGetAll(this.db, this.tableName, unique);
    const found = new Map(items.map((item) => [id(item), item]));
    return jobs.map((job) =>
      assemble(
        keysOf(job).flatMap((k) => {
          const item = found.get(id(k));
          return item ? [item] : [];
        }),
      ),
    );
  }

  async load(
    partnerId: string,
    borrowerId: string,
    items: JobKeys['items'],
    stage: string,
    channel: string,
  ): Promise<JobContext> {
    const [context] = await this.loadMany([{ partnerId, borrowerId, items, stage, channel }]);
    return context ?? assemble([]);
  }
}

function assemble(found: Record<string, unknown>[]): JobContext {
  const context: JobContext = { loans: new Map(), installments: new Map(), ledger: new Map() };
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
