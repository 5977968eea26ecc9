import type { LoanExposure } from '#shared/lending/exposure.ts';
import type { Fen, LocalDate } from '#shared/lending/types.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { BorrowerRecord, ContactPreferences, IdentityStatus } from '#shared/ports/records.ts';
import type { BorrowerStore } from '#shared/ports/stores.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { CreditLimitRecord, LoanHistory } from '#shared/scoring/behaviour.ts';
import { stored } from './copy.ts';

/** Where a borrower sits, as the table keys it (partner, then borrower id). */
const borrowerId = (partnerId: string, id: string) => `${partnerId}#${id}`;

/** Borrowers per partner, their phone lookup and the cross-partner identity status, in memory. */
export class InMemoryBorrowerStore implements BorrowerStore {
  private readonly borrowers = new Map<string, BorrowerRecord>();
  /** Phone hash → (partner#borrower → who), like the table's phone lookup items. */
  private readonly phones = new Map<string, Map<string, { partnerId: string; borrowerId: string }>>();
  /** Identity hash → loan id → exposure, as the identity item's `loan#<id>` attributes. */
  private readonly identities = new Map<string, Map<string, LoanExposure>>();
  /** Identity hash → loan id → repayment history, as the identity item's `history#<id>` attributes. */
  private readonly histories = new Map<string, Map<string, LoanHistory>>();
  /** Identity hash → promise id → the day it was judged broken (`brokenPromise#<id>`). */
  private readonly brokenPromises = new Map<string, Map<string, LocalDate>>();
  /** Identity hash → the latest application's monthly income, and the credit limit last announced. */
  private readonly incomes = new Map<string, Fen>();
  private readonly limits = new Map<string, CreditLimitRecord>();

  /** `outbox` receives the events a limit write commits, as the outbox's stream publisher would. */
  constructor(private readonly outbox?: EventBus) {}

  /** The identity item's part of a decision write: the income the application states. */
  applyIncome(identityHash: string, monthlyIncome: Fen): void {
    this.incomes.set(identityHash, monthlyIncome);
  }

  async saveCreditLimit(
    identityHash: string,
    expected: Fen | null,
    next: CreditLimitRecord,
    events: DomainEvent[],
  ): Promise<boolean> {
    if ((this.limits.get(identityHash)?.limit ?? null) !== expected) return false;
    this.limits.set(identityHash, stored(next));
    if (events.length > 0) void this.outbox?.publish(structuredClone(events));
    return true;
  }

  async upsert(borrower: BorrowerRecord): Promise<void> {
    this.applyUpsert(borrower);
  }

  /**
   * The effect of an upsert, for a store that commits it together with its own write: every field the
   * borrower has is set (fields it lacks are left as stored), preferences and `createdAt` only when
   * none are stored — given the record as it was, the consents are the new record's; the phone lookup
   * is added, and the previous number's dropped when it changed.
   */
  applyUpsert(borrower: BorrowerRecord, previous?: BorrowerRecord): void {
    const id = borrowerId(borrower.partnerId, borrower.borrowerId);
    const current = this.borrowers.get(id);
    const { preferences, createdAt, ...rest } = stored(borrower);
    const kept = current && previous ? { ...current.preferences, consents: preferences.consents } : undefined;
    // A new number is not the one found wrong: its mark goes, as in the table.
    const { wrongNumber, ...unmarked } = current ?? {};
    const newNumber = previous?.wrongNumber && previous.phoneHash !== borrower.phoneHash;
    this.borrowers.set(id, {
      ...unmarked,
      ...(wrongNumber && !newNumber ? { wrongNumber } : {}),
      ...rest,
      preferences: kept ?? current?.preferences ?? preferences,
      createdAt: current?.createdAt ?? createdAt,
    } as BorrowerRecord);
    if (borrower.phoneHash) {
      const users = this.phones.get(borrower.phoneHash) ?? new Map();
      users.set(id, { partnerId: borrower.partnerId, borrowerId: borrower.borrowerId });
      this.phones.set(borrower.phoneHash, users);
    }
    if (previous?.phoneHash && previous.phoneHash !== borrower.phoneHash) {
      this.phones.get(previous.phoneHash)?.delete(id);
    }
  }

  async get(partnerId: string, id: string): Promise<BorrowerRecord | undefined> {
    const found = this.borrowers.get(borrowerId(partnerId, id));
    return found ? stored(found) : undefined;
  }

  /** The stored record itself, for other in-memory stores reading in the same step (never handed out). */
  peek(partnerId: string, id: string): BorrowerRecord | undefined {
    return this.borrowers.get(borrowerId(partnerId, id));
  }

  async scoringView(
    identityHash: string,
    partnerId: string,
    id?: string,
  ): Promise<{ borrower?: BorrowerRecord; status: IdentityStatus }> {
    return {
      borrower: id === undefined ? undefined : await this.get(partnerId, id),
      status: this.statusOf(identityHash),
    };
  }

  async findByPhoneHash(phoneHash: string): Promise<{ partnerId: string; borrowerId: string }[]> {
    const users = this.phones.get(phoneHash);
    if (!users) return [];
    return [...users.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, who]) => ({ ...who }));
  }

  async optOut(
    partnerId: string,
    id: string,
    channel: 'sms' | 'email',
    at: string,
    fromPhoneHash?: string,
  ): Promise<boolean> {
    const current = this.borrowers.get(borrowerId(partnerId, id));
    if (!current) return false;
    if (fromPhoneHash !== undefined && current.phoneHash !== fromPhoneHash) return false;
    if (current.preferences.optOut.includes(channel)) return true;
    const preferences = { ...current.preferences, optOut: [...current.preferences.optOut, channel] };
    return this.setPreferences(partnerId, id, preferences, at);
  }

  async markWrongNumber(
    partnerId: string,
    id: string,
    mark: { since: string; phoneHash: string },
  ): Promise<boolean> {
    const current = this.borrowers.get(borrowerId(partnerId, id));
    if (current?.phoneHash !== mark.phoneHash) return false;
    current.wrongNumber = { ...mark };
    return true;
  }

  async setPreferences(
    partnerId: string,
    id: string,
    preferences: ContactPreferences,
    updatedAt: string,
  ): Promise<boolean> {
    const current = this.borrowers.get(borrowerId(partnerId, id));
    if (!current) return false;
    current.preferences = stored(preferences);
    current.updatedAt = updatedAt;
    return true;
  }

  async identityStatus(identityHash: string): Promise<IdentityStatus> {
    return this.statusOf(identityHash);
  }

  /** The identity item's part of a loan write (the in-memory loan store commits it with its own). */
  applyExposure(identityHash: string, loanId: string, exposure: LoanExposure | null): void {
    const loans = this.identities.get(identityHash) ?? new Map<string, LoanExposure>();
    if (exposure) loans.set(loanId, stored(exposure));
    else loans.delete(loanId);
    this.identities.set(identityHash, loans);
  }

  /** The identity item's history of a loan, written with the loan's booking or payment. */
  applyHistory(identityHash: string, loanId: string, history: LoanHistory): void {
    const histories = this.histories.get(identityHash) ?? new Map<string, LoanHistory>();
    histories.set(loanId, stored(history));
    this.histories.set(identityHash, histories);
  }

  /** A broken promise on the identity item, written with its judgment (the same promise sets it once). */
  applyBrokenPromise(identityHash: string, promiseId: string, judgedOn: LocalDate): void {
    const broken = this.brokenPromises.get(identityHash) ?? new Map<string, LocalDate>();
    broken.set(promiseId, judgedOn);
    this.brokenPromises.set(identityHash, broken);
  }

  private statusOf(identityHash: string): IdentityStatus {
    const loans = this.identities.get(identityHash) ?? new Map<string, LoanExposure>();
    const histories = this.histories.get(identityHash) ?? new Map<string, LoanHistory>();
    return {
      identityHash,
      loans: Object.fromEntries([...loans].map(([id, e]) => [id, stored(e)])),
      histories: Object.fromEntries([...histories].map(([id, h]) => [id, stored(h)])),
      brokenPromises: [...(this.brokenPromises.get(identityHash)?.values() ?? [])].sort(),
      ...(this.incomes.has(identityHash) ? { monthlyIncome: this.incomes.get(identityHash) as Fen } : {}),
      ...(this.limits.has(identityHash)
        ? { creditLimit: stored(this.limits.get(identityHash) as CreditLimitRecord) }
        : {}),
    };
  }
}
