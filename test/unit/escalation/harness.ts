import { createInMemoryStores, type InMemoryStores } from '#local/in-memory/in-memory-stores.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { RecordingTaskQueue } from '#local/recording-task-queue.ts';
import type { EscalationState } from '#shared/collection/ladder.ts';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import { instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { ContactLog, ContactQueue } from '#shared/ports/contact.ts';
import type { EscalationInput, EscalationWorkflow } from '#shared/ports/escalation.ts';
import type { BorrowerRecord, InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import type { ContactJob, ContactLine } from '#shared/schemas/contact-job.ts';
import { loanFixture } from '../../fixtures/loans.ts';

/**
 * The escalation use cases on in-memory stores. The fixture loan falls due 2027-06-10, 2027-07-10 and
 * 2027-08-10 (Shanghai, UTC+8, no DST: 09:00 local is 01:00Z).
 */
export const rules = defaultRules;
export const FIRST_DUE = '2027-06-10';

export function at(date: LocalDate, hhmm = '09:00'): Date {
  return instantAt(date, minuteOfDay(hhmm), rules.timezone);
}

/** Step Functions as far as the use cases see it: a name starts once; a repeat is "already started". */
export class FakeWorkflow implements EscalationWorkflow {
  readonly starts: { name: string; input: EscalationInput; answer: 'started' | 'already-started' }[] = [];
  private readonly names = new Set<string>();
  /** Runs before each start is answered (to look at the store then, or to fail as a crash would). */
  beforeStart?: (name: string, input: EscalationInput) => Promise<void> | void;

  async start(name: string, input: EscalationInput): Promise<'started' | 'already-started'> {
    await this.beforeStart?.(name, input);
    const answer = this.names.has(name) ? 'already-started' : 'started';
    this.names.add(name);
    this.starts.push({ name, input, answer });
    return answer;
  }

  /** Names that were started for real (not answered "already started"). */
  started(): string[] {
    return this.starts.filter((s) => s.answer === 'started').map((s) => s.name);
  }
}

export class RecordingContactQueue implements ContactQueue {
  readonly jobs: ContactJob[] = [];
  async enqueue(jobs: ContactJob[]): Promise<void> {
    this.jobs.push(...jobs);
  }
}

export class RecordingContactLog implements ContactLog {
  readonly lines: ContactLine[] = [];
  async record(lines: ContactLine[]): Promise<void> {
    this.lines.push(...lines);
  }
}

export interface Harness {
  deps: EscalationDeps;
  stores: InMemoryStores;
  clock: ManualClock;
  workflow: FakeWorkflow;
  contactQueue: RecordingContactQueue;
  taskQueue: RecordingTaskQueue;
  log: RecordingContactLog;
  events: RecordingEventBus;
}

export function harness(now: Date, overrides: { rules?: Rules } = {}): Harness {
  const r = overrides.rules ?? rules;
  const events = new RecordingEventBus();
  const stores = createInMemoryStores(r, events);
  const clock = new ManualClock(now);
  const workflow = new FakeWorkflow();
  const contactQueue = new RecordingContactQueue();
  const taskQueue = new RecordingTaskQueue();
  const log = new RecordingContactLog();
  const deps: EscalationDeps = {
    repos: stores,
    workflow,
    contactQueue,
    taskQueue,
    log,
    events,
    clock,
    rules: r,
    // No promises here: their judgment is tested on DynamoDB Local (test/integration/escalation/promises.test.ts).
    promises: {
      recordPartnerPromise: async () => {},
      promisesDue: async () => [],
      paymentsOf: async () => [],
      recordJudgment: async () => {},
    },
  };
  return { deps, stores, clock, workflow, contactQueue, taskQueue, log, events };
}

export function borrowerRecord(
  over: Partial<BorrowerRecord> = {},
  prefs: Partial<BorrowerRecord['preferences']> = {},
  consents: Partial<BorrowerRecord['preferences']['consents']> = {},
): BorrowerRecord {
  return {
    partnerId: 'p-demo',
    borrowerId: 'u1',
    identityHash: 'id-hash-u1',
    nameEncrypted: 'enc:name',
    phoneEncrypted: 'enc:phone',
    emailEncrypted: 'enc:email',
    preferences: {
      language: 'zh-CN',
      timezone: 'Asia/Shanghai',
      optOut: [],
      ...prefs,
      consents: {
        contactBySms: true,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
        ...consents,
      },
    },
    createdAt: '2027-05-01T00:00:00.000Z',
    updatedAt: '2027-05-01T00:00:00.000Z',
    ...over,
  };
}

/** Books the fixture loan (and its borrower u1), with `over` on the loan record and `edit` on its installments. */
export async function bookLoan(
  h: Harness,
  loanId: string,
  over: Partial<LoanRecord> = {},
  edit: (i: InstallmentRecord) => InstallmentRecord = (i) => i,
  borrower: BorrowerRecord | null = borrowerRecord(),
): Promise<void> {
  const { loan, installments } = loanFixture({ loanId, ...over });
  await h.stores.loans.book(loan, installments.map(edit));
  if (borrower && !(await h.stores.borrowers.get(borrower.partnerId, borrower.borrowerId)))
    await h.stores.borrowers.upsert(borrower);
}

/** An open episode as the sweep leaves it once its workflow has started. */
export function startedEpisode(over: Partial<EscalationState> = {}): EscalationState {
  return {
    episode: 1,
    rung: null,
    since: at('2027-06-14', '00:00').toISOString(),
    pausedUntil: null,
    executionStartedAt: at('2027-06-14', '00:00').toISOString(),
    ...over,
  };
}

/** Writes `change` onto the stored loan under its version (as another writer would). */
export async function updateLoan(
  h: Harness,
  loanId: string,
  change: Partial<LoanRecord>,
): Promise<LoanRecord> {
  const loan = await h.stores.loans.getLoan(loanId);
  if (!loan) throw new Error(`no loan ${loanId}`);
  await h.stores.loans.saveLoan({ ...loan, ...change }, loan.version);
  return loan;
}

export async function storedLoan(h: Harness, loanId: string): Promise<LoanRecord> {
  const loan = await h.stores.loans.getLoan(loanId);
  if (!loan) throw new Error(`no loan ${loanId}`);
  return loan;
}
