import { afterAll, beforeAll } from 'vitest';
import { InMemoryComplaintStore } from '#local/in-memory/in-memory-complaint-store.ts';
import { InMemoryPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { createInMemoryStores } from '#local/in-memory/in-memory-stores.ts';
import { InMemoryWatchSignals } from '#local/in-memory/in-memory-watch-signals.ts';
import { defaultRules } from '#shared/config/rules.ts';
import type { ComplaintStore } from '#shared/ports/complaints.ts';
import type { PartnerRecords, PartnerRegistry } from '#shared/ports/partner-directory.ts';
import type { IdempotencyRecords, Stores } from '#shared/ports/stores.ts';
import type { WatchSignals } from '#shared/ports/watchlist.ts';
import { ComplaintRepository } from '#shared/storage/complaint-repository.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { IdempotencyRepository } from '#shared/storage/idempotency-repository.ts';
import { PartnerDirectoryRepository } from '#shared/storage/partner-directory-repository.ts';
import { createRepositories } from '#shared/storage/repositories.ts';
import { WatchlistRepository } from '#shared/storage/watchlist-repository.ts';
import { createTestTable } from '../support/dynamodb.ts';

/** Every store a contract may arrange with, besides the one it is about. */
export type ContractStores = Stores & {
  idempotency: IdempotencyRecords;
  watchSignals: WatchSignals;
  complaints: ComplaintStore;
  partners: PartnerRecords & PartnerRegistry;
};

/** One implementation of the ports: `open` gives fresh stores, `close` lets them go. */
export interface Target {
  name: string;
  open(): Promise<{ stores: ContractStores; close(): Promise<void> }>;
}

export const inMemory: Target = {
  name: 'in memory',
  open: async () => {
    const stores = createInMemoryStores(defaultRules);
    return {
      stores: {
        ...stores,
        complaints: new InMemoryComplaintStore(),
        partners: new InMemoryPartnerDirectory(),
        watchSignals: new InMemoryWatchSignals(stores.loans),
      },
      close: async () => {},
    };
  },
};

export const dynamoDbLocal: Target = {
  name: 'DynamoDB Local',
  open: async () => {
    const table = await createTestTable();
    const repos = createRepositories(table.client, table.tableName, defaultRules);
    const idempotency = new IdempotencyRepository(
      documentClient(table.client),
      table.tableName,
      defaultRules.api.idempotencyInProgressSeconds,
    );
    const complaints = new ComplaintRepository(documentClient(table.client), table.tableName);
    const partners = new PartnerDirectoryRepository(documentClient(table.client), table.tableName);
    const watchSignals = new WatchlistRepository(documentClient(table.client), table.tableName);
    return {
      stores: { ...repos, idempotency, complaints, partners, watchSignals },
      close: () => table.drop(),
    };
  },
};

/** The implementations every contract runs against, so they cannot drift apart. */
export const targets: Target[] = [inMemory, dynamoDbLocal];

/**
 * Call inside a describe: opens the target's stores before its tests and closes them after; the tests share
 * them (one table per suite), so each test uses ids of its own (`unique`).
 */
export function useStores(target: Target): () => ContractStores {
  let opened: Awaited<ReturnType<Target['open']>> | undefined;
  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(async () => {
    await opened?.close();
  });
  return () => {
    if (!opened) throw new Error(`${target.name} stores are not open`);
    return opened.stores;
  };
}

let counter = 0;
/** An id no other test of the run uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
