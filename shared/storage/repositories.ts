import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Rules } from '#shared/config/rules.ts';
import type { Stores } from '#shared/ports/stores.ts';
import { AgeingIndexRepository } from './ageing-index-repository.ts';
import { ApplicationRepository } from './application-repository.ts';
import { BorrowerRepository } from './borrower-repository.ts';
import { ContactLedgerRepository } from './contact-ledger-repository.ts';
import { documentClient } from './document-client.ts';
import { DueIndexRepository } from './due-index-repository.ts';
import { JobContextRepository } from './job-context-repository.ts';
import { LoanRepository } from './loan-repository.ts';
import { PortfolioRepository } from './portfolio-repository.ts';
import { SweepSliceRepository } from './sweep-slice-repository.ts';
import { TaskRepository } from './task-repository.ts';

/** The DynamoDB implementations of every store port (`Stores`), with what tests and loaders use beyond them. */
export interface Repositories extends Stores {
  applications: ApplicationRepository;
  borrowers: BorrowerRepository;
  loans: LoanRepository;
  dueIndex: DueIndexRepository;
  contacts: ContactLedgerRepository;
  sweepSlices: SweepSliceRepository;
  jobContext: JobContextRepository;
  ageing: AgeingIndexRepository;
  tasks: TaskRepository;
  portfolio: PortfolioRepository;
}

/** All repositories over one table and one client (created once per container). */
export function createRepositories(client: DynamoDBClient, tableName: string, rules: Rules): Repositories {
  const db = documentClient(client);
  const borrowers = new BorrowerRepository(db, tableName);
  const contacts = new ContactLedgerRepository(db, tableName, rules.contact.recordRetentionYears);
  return {
    applications: new ApplicationRepository(db, tableName, borrowers),
    borrowers,
    loans: new LoanRepository(
      db,
      tableName,
      rules.schedule.dueIndexShards,
      rules.collection.ageingIndexShards,
      rules.supervision.provinceIndexShards,
      rules.portfolio.counterShards,
    ),
    dueIndex: new DueIndexRepository(db, tableName, rules.schedule.dueIndexShards),
    contacts,
    sweepSlices: new SweepSliceRepository(db, tableName),
    jobContext: new JobContextRepository(db, tableName, contacts),
    ageing: new AgeingIndexRepository(db, tableName, rules.collection.ageingIndexShards),
    tasks: new TaskRepository(db, tableName),
    portfolio: new PortfolioRepository(db, tableName, rules.portfolio.counterShards),
  };
}
