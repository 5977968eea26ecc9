import type { AgentOutcome } from '#shared/collection/desk-task.ts';
import type { EarlyWarning } from '#shared/collection/early-warning.ts';
import type { Dispute, EscalationState } from '#shared/collection/ladder.ts';
import type { OpenPromise } from '#shared/collection/promises.ts';
import type { Language } from '#shared/config/languages.ts';
import type { LoanExposure } from '#shared/lending/exposure.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { PortfolioDelta } from '#shared/lending/portfolio-tally.ts';
import type { Restructuring } from '#shared/lending/restructure.ts';
import type { Fen, InstallmentState, LocalDate, RepaymentMethod } from '#shared/lending/types.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { CreditLimitRecord, LoanHistory } from '#shared/scoring/behaviour.ts';

/** The shapes repositories read and write; keys and index attributes stay inside the repositories. */

export type LoanStatus = 'active' | 'paid_off' | 'charged_off';

export interface LoanRecord {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  /** The borrower's province code (2 digits of the ID number), beside the hash: a region's loans are found by it. */
  provinceCode?: string;
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
  /** The escalation episode under way, or the last one and how it ended. */
  escalation?: EscalationState;
  /** Earliest due date of an unpaid installment; absent once nothing is owed. The ageing index sorts on it. */
  oldestUnpaidDueDate?: LocalDate;
  /** Set once, the day the loan became non-performing (it stays so reported). */
  nonPerformingSince?: LocalDate;
  /** Set once, the day the loan first reached the vintage DPD (30+): its vintage counted it then. */
  vintageDelinquentOn?: LocalDate;
  /** The loan's one restructuring (the desk's), from which its observation period is reckoned. */
  restructuring?: Restructuring;
  /** The open promise to pay (the ladder waits on it) until the ageing job judges it. */
  promise?: OpenPromise;
  /** A dispute an agent recorded, holding the ladder until a supervisor resolves it. */
  dispute?: Dispute;
  /** Bumped by every change; writes are conditional on the version they read. */
  version: number;
  createdAt: string;
}

export interface InstallmentRecord extends InstallmentState {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  identityHash?: string;
  /** Local date the installment became fully paid. */
  paidOn?: LocalDate;
  /** What waivers took off it (its amounts due were lowered by as much). */
  penaltyWaived?: Fen;
  interestWaived?: Fen;
  /** An installment of a restructured schedule: its share of the carried, interest-free interest. */
  carriedInterest?: Fen;
  /** An old installment a restructuring closed: what moved off it to the new schedule. */
  restructuredAway?: { principal: Fen; interest: Fen; fee: Fen; penalty: Fen };
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

/**
 * What the person consented to (PIPL Art. 14, 23, 29), each flag given explicitly: taken in the application,
 * changed through contact preferences, never assumed.
 */
export interface Consents {
  /** SMS may be sent to the person's phone. */
  contactBySms: boolean;
  /** Email may be sent to the person's address. */
  contactByEmail: boolean;
  /** Tasks may go to an outside collection agency or legal referral partner. */
  shareWithCollectionAgencies: boolean;
  /** Sensitive personal data (the ID number, finances) may be processed. */
  sensitiveData: boolean;
}

export interface ContactPreferences {
  language: Language;
  timezone: string;
  optOut: ('sms' | 'email')[];
  consents: Consents;
}

export interface BorrowerRecord {
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  /** The first 2 digits of the ID number, kept beside its hash for regional views; nothing finer. */
  provinceCode?: string;
  /** Ciphertexts from the key service; only the sender decrypts them. */
  nameEncrypted: string;
  phoneEncrypted: string;
  /** HMAC of the phone number: inbound SMS find their borrowers by it. */
  phoneHash?: string;
  emailEncrypted?: string;
  /**
   * An agent found the phone number wrong: no SMS goes to the number with this hash. A new number (another
   * hash) is not covered, and storing one removes the mark.
   */
  wrongNumber?: { since: string; phoneHash: string };
  birthDate?: LocalDate;
  preferences: ContactPreferences;
  createdAt: string;
  updatedAt: string;
  /** When the person's name, phone, email and birth date were erased at their request (PIPL Art. 47). */
  erasedAt?: string;
}

/** The person's item across partners: each active loan's exposure, keyed by loan id (see `standingOf`). */
export interface IdentityStatus {
  identityHash: string;
  loans: Record<string, LoanExposure>;
  /** Each loan's repayment history, kept after it is repaid (`history#<loanId>`): the behaviour score reads it. */
  histories: Record<string, LoanHistory>;
  /** The day each of the person's broken promises was judged (`brokenPromise#<promiseId>`). */
  brokenPromises: LocalDate[];
  /** The monthly income of the person's latest application, at any partner. */
  monthlyIncome?: Fen;
  /** The credit limit last announced (`CreditLimitChanged`). */
  creditLimit?: CreditLimitRecord;
}

/**
 * What a loan write commits with it: the person's exposure on this loan (null removes it; undefined
 * leaves it) and the domain events it announces, which go to the outbox in the same transaction.
 */
export interface LoanWriteEffects {
  exposure?: LoanExposure | null;
  /** The loan's repayment history after the write (undefined leaves it as it was). */
  history?: LoanHistory;
  /** Early-warning signals the write raises: the loan goes on the watchlist with them (their events are in `events`). */
  warnings?: EarlyWarning[];
  events: DomainEvent[];
  /** What the write adds to the portfolio's running totals, committed with it. */
  portfolio?: PortfolioDelta;
}

/** A stored credit decision: enough to show it again and to replay how it was reached. */
export interface ApplicationRecord {
  applicationId: string;
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  /** The applicant's province code (2 digits of the ID number), carried to the loan booked from it. */
  provinceCode?: string;
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
  /** The monthly income the application states: the person's latest word on it (their credit limit uses it). */
  monthlyIncome?: Fen;
  createdAt: string;
  expiresAt: string;
  /** Set once a loan is booked from this application. */
  loanId?: string;
  /** A person's review of this automated decline, once the borrower asked for one (PIPL Art. 24). */
  review?: DecisionReview;
}

/**
 * A human review of an automated decline: requested by the borrower through the partner, answered by a
 * supervisor (the decline upheld, or overturned so the borrower may apply again without it counting).
 */
export interface DecisionReview {
  status: 'requested' | 'upheld' | 'overturned';
  requestedAt: string;
  /** The borrower's grounds as the partner app passed them (checked free of personal data). */
  grounds?: string;
  answeredAt?: string;
  answeredBy?: string;
  /** The supervisor's reason (free of personal data). */
  reason?: string;
}

export interface ContactKey {
  loanId: string;
  installmentNo: number;
  /**
   * Which occurrence of the stage: a reminder's due date (an installment a deferral re-dated gets its
   * reminders again for the new date) or a rung's episode as `e<n>` (a new episode gets its rungs again).
   */
  occurrence: string;
  stage: string;
  channel: 'sms' | 'email' | 'agent' | 'legal';
}

export type ContactStatus = 'claimed' | 'sent' | 'failed' | 'suppressed';

export interface ContactEntry extends ContactKey {
  status: ContactStatus;
  claimedAt: string;
  /** Until this instant the claim is held by the sender that made it. */
  leaseUntil: string;
  attempts: number;
  sentAt?: string;
  messageId?: string;
  failure?: string;
}

/**
 * - `claimed`: the caller holds the claim and may send.
 * - `already-sent`: the contact was decided for good before (sent, or suppressed); send nothing.
 * - `in-progress`: another sender holds a live claim; try again after its lease.
 */
/** One of a person's daily message slots on a channel (the daily cap), reserved for one message. */
export interface SlotReservation {
  identityHash: string;
  localDate: string;
  channel: string;
  messageKey: string;
  cap: number;
}

export type ClaimResult = 'claimed' | 'already-sent' | 'in-progress';

/** What the sender re-reads for one contact job, all of it in one load for a whole batch. */
export interface JobContext {
  borrower?: BorrowerRecord;
  loans: Map<string, LoanRecord>;
  /** By `loanId#installmentNo`: the job's installments and, when asked, every installment of its loans. */
  installments: Map<string, InstallmentRecord>;
  /** Ledger entries by `loanId#installmentNo`, for the job's stage and channel. */
  ledger: Map<string, ContactEntry>;
  /** When asked: every ledger entry of each of the job's loans (the rolling 7-day cap counts them). */
  loanHistory: Map<string, ContactEntry[]>;
}

export interface JobKeys {
  partnerId: string;
  borrowerId: string;
  items: readonly { loanId: string; installmentNo: number; dueDate: string }[];
  stage: string;
  channel: string;
  /** The escalation episode of a rung's job: its ledger entries are keyed by it. */
  episode?: number;
  /** Also load every installment of each loan (overdue stages judge cure and the oldest unpaid). */
  withLoanInstallments?: boolean;
  /** Also load each loan's whole ledger. */
  withLoanHistory?: boolean;
}

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  requestHash: string;
  status: 'in_progress' | 'completed';
  response?: StoredResponse;
  /** Epoch seconds; DynamoDB TTL removes the record some time after. */
  expiresAt: number;
}

/**
 * A POST's `Idempotency-Key` for a use case that checks it with its own write (scoring): the record is
 * read with the request's other items and written, completed, in the same transaction as the decision.
 */
export interface KeyedRequest {
  key: string;
  /** Hash of the method, path and validated body: the same key with another request is refused. */
  requestHash: string;
  /** How long the answer is kept for retries, in seconds. */
  ttlSeconds: number;
}

/** The answer to store under a keyed request, beside the write it answers. */
export interface KeyedAnswer extends KeyedRequest {
  partnerId: string;
  response: StoredResponse;
  now: Date;
}

export type BeginResult =
  | { kind: 'started' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

/** One page of one due-index shard; `next` (opaque) names where the next page starts, absent after the last. */
export interface DuePage {
  installments: InstallmentRecord[];
  next?: string;
  consumedReadUnits: number;
}

/** What a sweep slice has done so far (kept with its checkpoint). */
export interface SliceCounts {
  pages: number;
  installments: number;
  jobs: number;
  readUnits: number;
}

export type SliceBegin =
  | { kind: 'started'; checkpoint?: string; counts: SliceCounts }
  | { kind: 'done'; counts: SliceCounts }
  /** Another invocation holds the slice under a live lease. */
  | { kind: 'busy'; leaseUntil: string };

export interface DueInstallments {
  installments: InstallmentRecord[];
  /** Read units the queries consumed, as DynamoDB reported them. */
  consumedReadUnits: number;
}

export interface LoanWithInstallments {
  loan: LoanRecord;
  installments: InstallmentRecord[];
}

/** A task for a person that a rung of the ladder opens: once per id (loan, episode, rung and purpose). */
export interface CollectionTask {
  taskId: string;
  type: 'agent_call' | 'legal_review' | 'legal_referral' | 'internal_legal_review';
  /** The queue it was handed to (what the contact line shows as `to`). */
  queue: string;
  /**
   * Why a person: the rung's own task, or messages that no automated channel may carry (`no_consent` when
   * a channel of the rung lacks the borrower's consent, `all_channels_opted_out` otherwise).
   */
  reason: 'rung' | 'all_channels_opted_out' | 'no_consent';
  loanId: string;
  partnerId: string;
  borrowerId: string;
  episode: number;
  rung: string;
  installmentNo: number;
  /** `done` once the desk recorded an outcome (agent calls only). */
  status: 'open' | 'done';
  createdAt: string;
  /** Set once the task is on its queue and its contact line written. */
  handedOverAt?: string;
  /** The desk: the agent holding the task, and until when (ISO instants); absent when nobody does. */
  claimedBy?: string;
  leaseUntil?: string;
  /** The desk: what the call came to, and who recorded it when. */
  outcome?: AgentOutcome;
  note?: string;
  completedAt?: string;
  completedBy?: string;
}
