import type { Fen, LocalDate } from '#shared/lending/types.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { CreditLimitRecord } from '#shared/scoring/behaviour.ts';
import type { PortfolioStore } from './portfolio.ts';
import type {
  ApplicationRecord,
  BeginResult,
  BorrowerRecord,
  ClaimResult,
  CollectionTask,
  ContactEntry,
  ContactKey,
  ContactPreferences,
  DueInstallments,
  DuePage,
  IdempotencyRecord,
  IdentityStatus,
  InstallmentRecord,
  JobContext,
  JobKeys,
  KeyedAnswer,
  LoanRecord,
  LoanWithInstallments,
  LoanWriteEffects,
  PaymentRecord,
  SliceBegin,
  SliceCounts,
  SlotReservation,
  StoredResponse,
} from './records.ts';

/**
 * The stores the use cases call, each with only the methods they call. DynamoDB repositories
 * (`shared/storage/`) implement them on AWS and locally; in-memory ones (`local/in-memory/`) serve fast
 * unit tests, and `test/contract/` runs one suite against both so they cannot drift.
 * Conflicts are reported with the store errors of `shared/errors/domain-errors.ts`.
 */

export interface ApplicationStore {
  get(applicationId: string): Promise<ApplicationRecord | undefined>;
  /**
   * Stores a new decision and the applicant's borrower together: neither is kept without the other.
   * Throws `ApplicationExists` when the id is taken. Given the borrower as it was (it is stored), the
   * new record's consents replace the stored ones (an application restates them) while the other
   * preferences already set are kept, and a changed phone number also drops the old number's lookup.
   */
  saveDecisionWithBorrower(
    app: ApplicationRecord,
    borrower: BorrowerRecord,
    previous?: BorrowerRecord,
    /**
     * Committed in the same transaction: the decision's events (to the outbox) and, for a keyed request,
     * its answer, stored only while no live answer holds the key (else `ApplicationExists` as well).
     */
    together?: { events?: DomainEvent[]; answer?: KeyedAnswer },
  ): Promise<void>;
  /**
   * What scoring reads before deciding, in one request: the partner's borrower (when named), the
   * person's cross-partner status and, for a keyed request, the answer stored under its key (expired
   * or not: the caller judges).
   */
  scoringView(
    identityHash: string,
    partnerId: string,
    borrowerId?: string,
    idempotencyKey?: string,
  ): Promise<{ borrower?: BorrowerRecord; status: IdentityStatus; answered?: IdempotencyRecord }>;
}

export interface BorrowerStore {
  get(partnerId: string, borrowerId: string): Promise<BorrowerRecord | undefined>;
  /** Creates the borrower or refreshes its contact data; preferences already set are kept. */
  upsert(borrower: BorrowerRecord): Promise<void>;
  /** The partner's borrower (when named) and the person's cross-partner status, read together. */
  scoringView(
    identityHash: string,
    partnerId: string,
    borrowerId?: string,
  ): Promise<{ borrower?: BorrowerRecord; status: IdentityStatus }>;
  /** Borrowers (at any partner) who use the phone number with this hash. */
  findByPhoneHash(phoneHash: string): Promise<{ partnerId: string; borrowerId: string }[]>;
  /** Opts out of a channel; false when there is no such borrower (or, given a phone, no longer theirs). */
  optOut(
    partnerId: string,
    borrowerId: string,
    channel: 'sms' | 'email',
    at: string,
    fromPhoneHash?: string,
  ): Promise<boolean>;
  /**
   * Marks the borrower's phone number wrong (the carrier refused it, or an agent found it so) while it is
   * still theirs: no SMS goes to it until they give another. False when it is not (or no such borrower).
   */
  markWrongNumber(
    partnerId: string,
    borrowerId: string,
    mark: { since: string; phoneHash: string },
  ): Promise<boolean>;
  /** False when there is no such borrower. */
  setPreferences(
    partnerId: string,
    borrowerId: string,
    preferences: ContactPreferences,
    updatedAt: string,
  ): Promise<boolean>;
  /** The person's exposures, written only by the loan store's transactions. */
  identityStatus(identityHash: string): Promise<IdentityStatus>;
  /**
   * Stores the person's new credit limit with its `CreditLimitChanged` in one write, only if the stored one
   * is still `expected` (null: none); false when it moved meanwhile.
   */
  saveCreditLimit(
    identityHash: string,
    expected: Fen | null,
    next: CreditLimitRecord,
    events: DomainEvent[],
  ): Promise<boolean>;
}

export interface LoanStore {
  /**
   * Books a loan and its schedule together. Throws `LoanAlreadyExists` for a loan id taken, and
   * `ApplicationAlreadyBooked` when the loan's application was booked before. The person's exposure
   * and the events commit with it.
   */
  book(loan: LoanRecord, installments: InstallmentRecord[], effects?: LoanWriteEffects): Promise<void>;
  getLoan(loanId: string): Promise<LoanRecord | undefined>;
  /** The loan and its installments in installment order. */
  getLoanWithInstallments(loanId: string): Promise<LoanWithInstallments | undefined>;
  getPayment(loanId: string, paymentId: string): Promise<PaymentRecord | undefined>;
  /**
   * The payment, the loan and its changed installments together, only if the loan is still at
   * `expectedVersion` (else `LoanVersionConflict`) and the payment id is new (else `PaymentAlreadyApplied`).
   */
  applyPayment(
    payment: PaymentRecord,
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects?: LoanWriteEffects,
  ): Promise<void>;
  /** The loan alone, under the version check. */
  saveLoan(loan: LoanRecord, expectedVersion: number): Promise<void>;
  /** The loan and changed installments together, under the same version check (with `effects`, those too). */
  saveInstallments(
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects?: LoanWriteEffects,
  ): Promise<void>;
}

export interface DueInstallmentStore {
  /** Unpaid installments due on a date, found without reading the rest of the book. */
  findDueInstallments(dueDate: LocalDate): Promise<DueInstallments>;
  /**
   * Up to about `limit` installments of one shard due on a date, after `after` (a page's `next`), in
   * borrower order. A page never ends inside one borrower's installments (unless that borrower alone
   * fills it), so each borrower's reminders are planned from one page.
   */
  findDuePage(dueDate: LocalDate, shard: number, after: string | undefined, limit: number): Promise<DuePage>;
}

export interface ContactLedger {
  /** Claims one contact before it is sent; a claim whose lease ran out can be claimed again. */
  claim(key: ContactKey, now: Date, leaseSeconds: number): Promise<ClaimResult>;
  /**
   * Claims every job's contacts and daily slot at once. Returns the ids of the jobs that stood in the
   * way (nothing was written then); an empty list means all are claimed.
   */
  claimAll(
    jobs: { id: string; keys: ContactKey[]; slot: SlotReservation }[],
    now: Date,
    leaseSeconds: number,
  ): Promise<string[]>;
  /** Reserves a daily slot for one message, idempotently; false when the person's cap is reached. */
  reserveDailySlot(slot: SlotReservation): Promise<boolean>;
  markSent(key: ContactKey, sentAt: Date, messageId: string): Promise<void>;
  /** The rules stopped this claimed contact: decided for good, never retried. */
  markSuppressed(key: ContactKey, at: Date, reason: string): Promise<void>;
  /** A failed attempt; the lease is released so a retry may claim it at once. */
  markFailed(key: ContactKey, now: Date, failure: string): Promise<void>;
  get(key: ContactKey): Promise<ContactEntry | undefined>;
  listForLoan(loanId: string): Promise<ContactEntry[]>;
}

export interface AgeingIndex {
  /** Active loans whose oldest unpaid installment fell due before `today`: the loans past due, only they. */
  findLoansPastDue(today: LocalDate): Promise<LoanRecord[]>;
}

export interface TaskStore {
  /**
   * Records a task for a person once per id, and answers whether it has been handed over: false for a
   * new task, and for one a crash left recorded but never handed to its queue.
   */
  record(task: CollectionTask): Promise<{ handedOver: boolean }>;
  /** The task is on its queue and its contact line written. */
  markHandedOver(loanId: string, taskId: string, at: string): Promise<void>;
}

/**
 * Sweep slices: one invocation at a time holds a slice under a lease (shorter than the invocation's
 * timeout), pages through it, and stores a checkpoint after each page's jobs are queued; an invocation
 * that died is taken over from its checkpoint once the lease runs out; a finished slice stays done.
 */
export interface SweepSliceStore {
  begin(
    businessDate: string,
    sliceId: string,
    owner: string,
    now: Date,
    leaseSeconds: number,
  ): Promise<SliceBegin>;
  /** Throws `SliceLeaseLost` when another invocation has taken the slice over. */
  checkpoint(
    businessDate: string,
    sliceId: string,
    owner: string,
    next: string | undefined,
    counts: SliceCounts,
    leaseUntil: Date,
  ): Promise<void>;
  complete(businessDate: string, sliceId: string, owner: string, counts: SliceCounts): Promise<void>;
  /** The last business date a sweep was started for. */
  lastSweptDate(): Promise<LocalDate | undefined>;
  /** Moves the cursor forward to `businessDate` (never back). */
  advanceCursor(businessDate: LocalDate): Promise<void>;
}

export interface JobContextStore {
  /** What the sender re-reads before contacting, for a whole batch of jobs at once. */
  loadMany(jobs: readonly JobKeys[]): Promise<JobContext[]>;
}

export interface IdempotencyRecords {
  begin(
    partnerId: string,
    key: string,
    requestHash: string,
    now: Date,
    ttlSeconds: number,
  ): Promise<BeginResult>;
  complete(partnerId: string, key: string, response: StoredResponse): Promise<void>;
  release(partnerId: string, key: string): Promise<void>;
  get(partnerId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Stores a completed answer unless a live record holds the key; false when one does. */
  saveAnswer(answer: KeyedAnswer): Promise<boolean>;
}

/** Every store, as the wiring hands them to use cases. */
export interface Stores {
  applications: ApplicationStore;
  borrowers: BorrowerStore;
  loans: LoanStore;
  dueIndex: DueInstallmentStore;
  contacts: ContactLedger;
  sweepSlices: SweepSliceStore;
  jobContext: JobContextStore;
  ageing: AgeingIndex;
  tasks: TaskStore;
  portfolio: PortfolioStore;
}
