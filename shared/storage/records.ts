import type { Language } from '#shared/config/languages.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { Fen, InstallmentState, LocalDate, RepaymentMethod } from '#shared/lending/types.ts';

/** The shapes repositories read and write; keys and index attributes stay inside the repositories. */

export type LoanStatus = 'active' | 'paid_off' | 'charged_off';

export interface LoanRecord {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  applicationId?: string;
  productId?: string;
  principal: Fen;
  aprBps: number;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
  disbursedOn: LocalDate;
  status: LoanStatus;
  /** Money paid beyond everything owed, held for the borrower. */
  creditBalance: Fen;
  /** Every hardship request and its decision, oldest first (audit). */
  hardshipPlans?: HardshipPlan[];
  /** Stage id of the running escalation episode, if any. */
  escalationStage?: string | null;
  /** Bumped by every change; writes are conditional on the version they read. */
  version: number;
  createdAt: string;
}

export interface InstallmentRecord extends InstallmentState {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  /** Copied from the loan so the sweep can mark the person overdue from the index alone. */
  identityHash?: string;
  /** Local date the installment became fully paid. */
  paidOn?: LocalDate;
}

export interface PaymentRecord {
  loanId: string;
  paymentId: string;
  amount: Fen;
  paidAt: string;
  allocations: { installmentNo: number; fee: Fen; penalty: Fen; interest: Fen; principal: Fen }[];
  credit: Fen;
  appliedAt: string;
}

export interface ContactPreferences {
  language: Language;
  timezone: string;
  optOut: ('sms' | 'email')[];
  consents: { sensitiveData: boolean; shareWithCollectionAgencies: boolean };
}

export interface BorrowerRecord {
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  /** Ciphertexts from the key service; only the sender decrypts them. */
  nameEncrypted: string;
  phoneEncrypted: string;
  /** HMAC of the phone number: inbound SMS find their borrowers by it. */
  phoneHash?: string;
  emailEncrypted?: string;
  birthDate?: LocalDate;
  preferences: ContactPreferences;
  createdAt: string;
  updatedAt: string;
}

export interface IdentityStatus {
  identityHash: string;
  overdueLoanIds: string[];
  hardshipLoanIds: string[];
}
