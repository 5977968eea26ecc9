import type { EarlyWarning } from '#shared/collection/early-warning.ts';
import {
  ApplicationAlreadyBooked,
  LoanAlreadyExists,
  LoanVersionConflict,
  PaymentAlreadyApplied,
} from '#shared/errors/domain-errors.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import { loanDelta } from '#shared/lending/portfolio-tally.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type {
  InstallmentRecord,
  LoanRecord,
  LoanWithInstallments,
  LoanWriteEffects,
  PaymentRecord,
} from '#shared/ports/records.ts';
import type { LoanStore } from '#shared/ports/stores.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { loanHistoryOf } from '#shared/scoring/behaviour.ts';
import { stored } from './copy.ts';
import { checkTransaction } from './dynamodb-errors.ts';
import type { InMemoryApplicationStore } from './in-memory-application-store.ts';
import type { InMemoryBorrowerStore } from './in-memory-borrower-store.ts';
import { InMemoryPortfolioStore } from './in-memory-portfolio-store.ts';

/** Names of the items a write touches, to refuse what one DynamoDB transaction would refuse. */
const item = {
  loan: (loanId: string) => `loan|${loanId}`,
  installment: (inst: InstallmentRecord) => `installment|${inst.loanId}|${inst.installmentNo}`,
  payment: (p: PaymentRecord) => `payment|${p.loanId}|${p.paymentId}`,
  application: (applicationId: string) => `application|${applicationId}`,
  identity: (loan: LoanRecord) => `identity|${loan.identityHash}`,
  outbox: (effects: LoanWriteEffects) => effects.events.map((_, i) => `outbox|${i}`),
};

/** The items a write's effects add to its transaction (the identity item, the outbox events, the totals). */
const effectItems = (loan: LoanRecord, effects?: LoanWriteEffects) =>
  effects
    ? [
        ...(effects.exposure === undefined && effects.history === undefined ? [] : [item.identity(loan)]),
        ...(effects.warnings?.length ? [`watch|${loan.loanId}`] : []),
        ...item.outbox(effects),
        ...(effects.portfolio ? InMemoryPortfolioStore.itemIds(effects.portfolio) : []),
      ]
    : [];

/**
 * Loans, their installments and payments, in memory. Every write checks all its conditions before it
 * changes anything, so it happens whole or not at all, like the repository's one transaction.
 */
/** A write that changes nothing beyond the loan (loaders, tests). */
const NO_EFFECTS: LoanWriteEffects = { events: [] };

export class InMemoryLoanStore implements LoanStore {
  private readonly loans = new Map<string, LoanRecord>();
  /** Early-warning signals by loan, code and occurrence (the watch items of the table). */
  private readonly warnings = new Map<string, EarlyWarning>();
  /** By loan id, then installment number (installments are keyed by their own `loanId`). */
  private readonly installments = new Map<string, Map<number, InstallmentRecord>>();
  private readonly payments = new Map<string, Map<string, PaymentRecord>>();

  constructor(
    private readonly applications: InMemoryApplicationStore,
    private readonly borrowers: InMemoryBorrowerStore,
    /** Where committed events go, as the table's stream would carry them from the outbox. */
    private readonly outbox?: EventBus,
    /** The running totals each write's portfolio delta is added to. */
    private readonly portfolio = new InMemoryPortfolioStore(),
  ) {}

  async book(
    loan: LoanRecord,
    installments: InstallmentRecord[],
    effects: LoanWriteEffects = NO_EFFECTS,
  ): Promise<void> {
    checkTransaction([
      item.loan(loan.loanId),
      ...installments.map(item.installment),
      ...effectItems(loan, effects),
      ...(loan.applicationId ? [item.application(loan.applicationId)] : []),
    ]);
    // The repository reports the application's condition first when both fail (it is the last item).
    if (loan.applicationId && !this.applications.canBook(loan.applicationId)) {
      throw new ApplicationAlreadyBooked();
    }
    if (this.loans.has(loan.loanId)) throw new LoanAlreadyExists(`loan ${loan.loanId} is already booked`);
    this.loans.set(loan.loanId, stored(loan));
    this.putInstallments(installments);
    if (loan.applicationId) this.applications.markBooked(loan.applicationId, loan.loanId);
    this.commitEffects(loan, effects);
  }

  /** Loads a book without transactions (the repository's `bulkLoad`), with each person's exposures. */
  async bulkLoad(loans: LoanRecord[], installments: InstallmentRecord[]): Promise<void> {
    for (const loan of loans) this.loans.set(loan.loanId, stored(loan));
    this.putInstallments(installments);
    for (const loan of loans) {
      const schedule = this.installmentsOf(loan.loanId);
      this.borrowers.applyExposure(loan.identityHash, loan.loanId, exposureOf(loan, schedule));
      this.portfolio.add(loanDelta(undefined, { loan, installments: schedule }));
      this.borrowers.applyHistory(loan.identityHash, loan.loanId, loanHistoryOf(loan, schedule));
    }
  }

  async getLoan(loanId: string): Promise<LoanRecord | undefined> {
    const loan = this.loans.get(loanId);
    return loan ? stored(loan) : undefined;
  }

  async getLoanWithInstallments(loanId: string): Promise<LoanWithInstallments | undefined> {
    const loan = this.loans.get(loanId);
    if (!loan) return undefined;
    return { loan: stored(loan), installments: this.installmentsOf(loanId).map(stored) };
  }

  async getPayment(loanId: string, paymentId: string): Promise<PaymentRecord | undefined> {
    const payment = this.payments.get(loanId)?.get(paymentId);
    return payment ? stored(payment) : undefined;
  }

  async applyPayment(
    payment: PaymentRecord,
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects: LoanWriteEffects = NO_EFFECTS,
  ): Promise<void> {
    checkTransaction([
      item.payment(payment),
      item.loan(loan.loanId),
      ...changed.map(item.installment),
      ...effectItems(loan, effects),
    ]);
    if (this.payments.get(payment.loanId)?.has(payment.paymentId)) {
      throw new PaymentAlreadyApplied(`payment ${payment.paymentId} is already applied`);
    }
    this.checkVersion(loan, expectedVersion);
    const payments = this.payments.get(payment.loanId) ?? new Map<string, PaymentRecord>();
    payments.set(payment.paymentId, stored(payment));
    this.payments.set(payment.loanId, payments);
    this.putLoan(loan, expectedVersion);
    this.putInstallments(changed);
    this.commitEffects(loan, effects);
  }

  async saveLoan(loan: LoanRecord, expectedVersion: number): Promise<void> {
    await this.saveInstallments(loan, expectedVersion, []);
  }

  async saveInstallments(
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects?: LoanWriteEffects,
  ): Promise<void> {
    checkTransaction([
      item.loan(loan.loanId),
      ...changed.map(item.installment),
      ...effectItems(loan, effects),
    ]);
    this.checkVersion(loan, expectedVersion);
    this.putLoan(loan, expectedVersion);
    this.putInstallments(changed);
    this.commitEffects(loan, effects);
  }

  private commitEffects(loan: LoanRecord, effects?: LoanWriteEffects): void {
    if (!effects) return;
    if (effects.exposure !== undefined)
      this.borrowers.applyExposure(loan.identityHash, loan.loanId, effects.exposure);
    if (effects.portfolio) this.portfolio.add(effects.portfolio);
    if (effects.history) this.borrowers.applyHistory(loan.identityHash, loan.loanId, effects.history);
    for (const w of effects.warnings ?? [])
      this.warnings.set(`${w.loanId}#${w.code}#${w.occurrence}`, stored(w));
    if (effects.events.length > 0) void this.outbox?.publish(structuredClone(effects.events));
  }

  /**
   * One signal raised outside a loan write (the watchlist's `raise`): kept and its event published unless
   * the loan has that code and occurrence already. True when raised now.
   */
  raiseWarning(warning: EarlyWarning, event: DomainEvent): boolean {
    const id = `${warning.loanId}#${warning.code}#${warning.occurrence}`;
    if (this.warnings.has(id)) return false;
    this.warnings.set(id, stored(warning));
    void this.outbox?.publish([structuredClone(event)]);
    return true;
  }

  /** The signals loan writes raised on a loan, once each per code and occurrence, as its watch item keeps them. */
  warningsOf(loanId: string): EarlyWarning[] {
    return [...this.warnings.values()].filter((w) => w.loanId === loanId).map(stored);
  }

  /** Every stored loan, for the in-memory ageing index (never handed out as is). */
  allLoans(): Iterable<LoanRecord> {
    return this.loans.values();
  }

  /** Every stored installment, for the in-memory due index (never handed out as is). */
  *allInstallments(): Iterable<InstallmentRecord> {
    for (const byNumber of this.installments.values()) yield* byNumber.values();
  }

  /** The stored loan itself, for other in-memory stores reading in the same step (never handed out). */
  peekLoan(loanId: string): LoanRecord | undefined {
    return this.loans.get(loanId);
  }

  /** The stored installment itself, for other in-memory stores (never handed out). */
  peekInstallment(loanId: string, installmentNo: number): InstallmentRecord | undefined {
    return this.installments.get(loanId)?.get(installmentNo);
  }

  /** A loan's stored installments in installment order, for other in-memory stores (never handed out). */
  installmentsOf(loanId: string): InstallmentRecord[] {
    return [...(this.installments.get(loanId)?.values() ?? [])].sort(
      (a, b) => a.installmentNo - b.installmentNo,
    );
  }

  private checkVersion(loan: LoanRecord, expectedVersion: number): void {
    if (this.loans.get(loan.loanId)?.version !== expectedVersion) {
      throw new LoanVersionConflict(`loan ${loan.loanId} changed since version ${expectedVersion}`);
    }
  }

  /** The loan as given, at the version after the one it was read at (whatever `loan.version` says). */
  private putLoan(loan: LoanRecord, expectedVersion: number): void {
    this.loans.set(loan.loanId, { ...stored(loan), version: expectedVersion + 1 });
  }

  private putInstallments(installments: readonly InstallmentRecord[]): void {
    for (const inst of installments) {
      const byNumber = this.installments.get(inst.loanId) ?? new Map<number, InstallmentRecord>();
      byNumber.set(inst.installmentNo, stored(inst));
      this.installments.set(inst.loanId, byNumber);
    }
  }
}
