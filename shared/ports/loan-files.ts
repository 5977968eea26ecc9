import type {
  CollectionTask,
  ContactEntry,
  InstallmentRecord,
  LoanRecord,
  PaymentRecord,
} from './records.ts';

/** One loan's whole file: the loan, its schedule, payments, tasks for people and contact lines. */
export interface LoanFile {
  loan: LoanRecord;
  installments: InstallmentRecord[];
  payments: PaymentRecord[];
  tasks: CollectionTask[];
  contacts: ContactEntry[];
}

/** Reads a loan's file in two queries (its partition and its contact lines): the desk's loan view, exports. */
export interface LoanFiles {
  fileOf(loanId: string): Promise<LoanFile | undefined>;
}
