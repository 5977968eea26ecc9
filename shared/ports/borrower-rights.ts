import type { LoanFile } from './loan-files.ts';
import type { ApplicationRecord, BorrowerRecord } from './records.ts';

/** One loan as a borrower's export shows it (its whole file). */
export type LoanHolding = LoanFile;

/** Everything held about a person at one partner (PIPL Art. 45): found by the borrower index, no Scan. */
export interface BorrowerHoldings {
  borrower: BorrowerRecord;
  applications: ApplicationRecord[];
  loans: LoanHolding[];
}

/** A supervisor's export or erasure of a person's data, kept 5 years like the desk's other audit records. */
export interface BorrowerAuditRecord {
  auditId: string;
  partnerId: string;
  borrowerId: string;
  userId: string;
  at: string;
  action: 'borrower.export' | 'borrower.erase';
  inputs: Record<string, string | number | boolean>;
  reason: string;
}

/** The store behind borrowers' rights: what is held about a person, the erasure, and their audit trail. */
export interface BorrowerRightsStore {
  holdingsOf(partnerId: string, borrowerId: string): Promise<BorrowerHoldings | undefined>;
  recordExport(audit: BorrowerAuditRecord): Promise<void>;
  /**
   * Erases the person's name, phone, email and birth date and the phone's lookup item, with its audit
   * record, in one transaction; decisions, loans, payments and contact lines stay (retention duties).
   */
  erase(borrower: BorrowerRecord, audit: BorrowerAuditRecord): Promise<void>;
  listAudit(partnerId: string, borrowerId: string): Promise<BorrowerAuditRecord[]>;
}
