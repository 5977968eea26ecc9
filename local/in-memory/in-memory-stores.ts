import { defaultRules, type Rules } from '#shared/config/rules.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { Stores } from '#shared/ports/stores.ts';
import { InMemoryAgeingIndex } from './in-memory-ageing-index.ts';
import { InMemoryApplicationStore } from './in-memory-application-store.ts';
import { InMemoryBorrowerStore } from './in-memory-borrower-store.ts';
import { InMemoryContactLedger } from './in-memory-contact-ledger.ts';
import { InMemoryDueInstallmentStore } from './in-memory-due-installment-store.ts';
import { InMemoryIdempotencyRecords } from './in-memory-idempotency-records.ts';
import { InMemoryJobContextStore } from './in-memory-job-context-store.ts';
import { InMemoryLoanStore } from './in-memory-loan-store.ts';
import { InMemoryPortfolioStore } from './in-memory-portfolio-store.ts';
import { InMemorySweepSliceStore } from './in-memory-sweep-slice-store.ts';
import { InMemoryTaskStore } from './in-memory-task-store.ts';

/** Every store port in memory, wired to read each other as the repositories share one table. */
export interface InMemoryStores extends Stores {
  applications: InMemoryApplicationStore;
  borrowers: InMemoryBorrowerStore;
  loans: InMemoryLoanStore;
  dueIndex: InMemoryDueInstallmentStore;
  contacts: InMemoryContactLedger;
  sweepSlices: InMemorySweepSliceStore;
  jobContext: InMemoryJobContextStore;
  ageing: InMemoryAgeingIndex;
  tasks: InMemoryTaskStore;
  portfolio: InMemoryPortfolioStore;
  /** Not one of `Stores` (the HTTP layer takes it apart), but kept here for a test's convenience. */
  idempotency: InMemoryIdempotencyRecords;
}

/** Fresh, empty in-memory stores: each call shares nothing with another. */
export function createInMemoryStores(
  rules: Rules = defaultRules,
  /** Receives the events loan writes and decisions commit, as the outbox's stream publisher would. */
  outbox?: EventBus,
): InMemoryStores {
  const borrowers = new InMemoryBorrowerStore(outbox);
  const idempotency = new InMemoryIdempotencyRecords(rules.api.idempotencyInProgressSeconds);
  const applications = new InMemoryApplicationStore(borrowers, idempotency, outbox);
  const portfolio = new InMemoryPortfolioStore();
  const loans = new InMemoryLoanStore(applications, borrowers, outbox, portfolio);
  const contacts = new InMemoryContactLedger();
  return {
    applications,
    borrowers,
    loans,
    dueIndex: new InMemoryDueInstallmentStore(loans, rules.schedule.dueIndexShards),
    contacts,
    sweepSlices: new InMemorySweepSliceStore(),
    jobContext: new InMemoryJobContextStore(borrowers, loans, contacts),
    ageing: new InMemoryAgeingIndex(loans),
    tasks: new InMemoryTaskStore(),
    portfolio,
    idempotency,
  };
}
