import { ApplicationExists } from '#shared/errors/domain-errors.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type {
  ApplicationRecord,
  BorrowerRecord,
  IdempotencyRecord,
  IdentityStatus,
  KeyedAnswer,
} from '#shared/ports/records.ts';
import type { ApplicationStore } from '#shared/ports/stores.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { stored } from './copy.ts';
import type { InMemoryBorrowerStore } from './in-memory-borrower-store.ts';
import type { InMemoryIdempotencyRecords } from './in-memory-idempotency-records.ts';

/** Stored credit decisions, in memory; a decision and its borrower are written in one step. */
export class InMemoryApplicationStore implements ApplicationStore {
  private readonly applications = new Map<string, ApplicationRecord>();

  constructor(
    private readonly borrowers: InMemoryBorrowerStore,
    /** Where keyed answers are kept, as the table keeps them beside the decisions. */
    private readonly idempotency: InMemoryIdempotencyRecords,
    /** Receives the events a decision commits, as the outbox's stream publisher would. */
    private readonly outbox?: EventBus,
  ) {}

  async get(applicationId: string): Promise<ApplicationRecord | undefined> {
    const found = this.applications.get(applicationId);
    return found ? stored(found) : undefined;
  }

  async saveDecisionWithBorrower(
    app: ApplicationRecord,
    borrower: BorrowerRecord,
    previous?: BorrowerRecord,
    together: { events?: DomainEvent[]; answer?: KeyedAnswer } = {},
  ): Promise<void> {
    const { events = [], answer } = together;
    if (this.applications.has(app.applicationId) || (answer && !this.idempotency.canAnswer(answer))) {
      throw new ApplicationExists(`application ${app.applicationId} exists`);
    }
    this.applications.set(app.applicationId, stored(app));
    this.borrowers.applyUpsert(borrower, previous);
    if (app.monthlyIncome !== undefined) this.borrowers.applyIncome(app.identityHash, app.monthlyIncome);
    if (answer) this.idempotency.answer(answer);
    if (events.length > 0) void this.outbox?.publish(structuredClone(events));
  }

  async scoringView(
    identityHash: string,
    partnerId: string,
    borrowerId?: string,
    idempotencyKey?: string,
  ): Promise<{ borrower?: BorrowerRecord; status: IdentityStatus; answered?: IdempotencyRecord }> {
    const view = await this.borrowers.scoringView(identityHash, partnerId, borrowerId);
    const answered =
      idempotencyKey === undefined ? undefined : await this.idempotency.get(partnerId, idempotencyKey);
    return answered ? { ...view, answered } : view;
  }

  /**
   * Whether a loan may be booked from the application: it must exist and not be booked yet (the
   * condition `book` checks before writing anything).
   */
  canBook(applicationId: string): boolean {
    const app = this.applications.get(applicationId);
    return app !== undefined && app.loanId === undefined;
  }

  /** Marks the application booked as the loan (after `canBook`, in the same step). */
  markBooked(applicationId: string, loanId: string): void {
    const app = this.applications.get(applicationId);
    if (app) app.loanId = loanId;
  }
}
