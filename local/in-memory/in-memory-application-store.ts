import { ApplicationExists } from '#shared/errors/domain-errors.ts';
import type { ApplicationRecord, BorrowerRecord } from '#shared/ports/records.ts';
import type { ApplicationStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';
import type { InMemoryBorrowerStore } from './in-memory-borrower-store.ts';

/** Stored credit decisions, in memory; a decision and its borrower are written in one step. */
export class InMemoryApplicationStore implements ApplicationStore {
  private readonly applications = new Map<string, ApplicationRecord>();

  constructor(private readonly borrowers: InMemoryBorrowerStore) {}

  async get(applicationId: string): Promise<ApplicationRecord | undefined> {
    const found = this.applications.get(applicationId);
    return found ? stored(found) : undefined;
  }

  async saveDecisionWithBorrower(
    app: ApplicationRecord,
    borrower: BorrowerRecord,
    previous?: BorrowerRecord,
  ): Promise<void> {
    if (this.applications.has(app.applicationId)) {
      throw new ApplicationExists(`application ${app.applicationId} exists`);
    }
    this.applications.set(app.applicationId, stored(app));
    this.borrowers.applyUpsert(borrower, previous);
    if (app.monthlyIncome !== undefined) this.borrowers.applyIncome(app.identityHash, app.monthlyIncome);
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
