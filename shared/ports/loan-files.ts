import type { PromiseToPay } from './desk.ts';
import type {
  CollectionTask,
  ContactEntry,
  InstallmentRecord,
  LoanRecord,
  PaymentRecord,
} from './records.ts';

/** One loan's whole file: the loan, its schedule, payments, tasks for people, promises and contact lines. */
export interface LoanFile {
  loan: LoanRecord;
  installments: InstallmentRecord[];
  payments: PaymentRecord[];
  tasks: CollectionTask[];
  promises: PromiseToPay[];
  contacts: ContactEntry[];
}

/** Reads a loan's file in three queries (its partition, promises, contact lines): the desk's loan view, exports. */
export interface LoanFiles {
  fileOf(loanId: string): Promise<LoanFile | undefined>;
}
