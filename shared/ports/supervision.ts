import type { LoanExposure } from '#shared/lending/exposure.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { AuditRecord } from './desk.ts';
import type { InstallmentRecord, LoanRecord } from './records.ts';

/** One loan's result in a bulk action, kept so a retry of the action answers it again and does it once. */
export interface BulkLoanResult {
  loanId: string;
  result: 'granted' | 'refused' | 'not_found';
  /** Why refused: a rule's code. */
  reason?: string;
  planId?: string;
  startsOn?: string;
  endsOn?: string;
}

/**
 * A supervisor's action on one loan: the loan and its changed installments under the loan's version,
 * the person's exposure, the events and the audit record, all in one transaction. A bulk action also
 * writes the loan's result under the action's id, once: a second write of it fails (`BulkResultExists`).
 */
export interface LoanActionWrite {
  loan: LoanRecord;
  expectedVersion: number;
  installments: InstallmentRecord[];
  exposure?: LoanExposure | null;
  events: DomainEvent[];
  audit: AuditRecord;
  bulk?: { actionId: string; result: BulkLoanResult };
}

/** The desk's supervisor actions' store (restructuring, waivers, hardship decisions, bulk deferral). */
export interface SupervisionStore {
  /** Throws `LoanVersionConflict` when the loan changed since it was read, `BulkResultExists` when done before. */
  applyLoanAction(write: LoanActionWrite): Promise<void>;
  /** A bulk action's refusal for one loan: its audit record and its result, once (`BulkResultExists`). */
  recordBulkRefusal(audit: AuditRecord, actionId: string, result: BulkLoanResult): Promise<void>;
  /** The results a bulk action has written so far, by loan id. */
  bulkResults(actionId: string): Promise<Map<string, BulkLoanResult>>;
  /** Ids of the active loans of borrowers of one province (2-digit code), from the province index. */
  activeLoansInProvince(provinceCode: string): Promise<string[]>;
}
