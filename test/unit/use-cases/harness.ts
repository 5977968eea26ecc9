import { InMemoryComplaintStore } from '#local/in-memory/in-memory-complaint-store.ts';
import { fixedPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { createInMemoryStores, type InMemoryStores } from '#local/in-memory/in-memory-stores.ts';
import { InMemoryWatchSignals } from '#local/in-memory/in-memory-watch-signals.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { SequentialIds } from '#local/sequential-ids.ts';
import type { Language } from '#shared/config/languages.ts';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { standingOf } from '#shared/lending/exposure.ts';
import { newBorrowerRecord } from '#shared/origination/new-borrower.ts';
import type { ContactQueue, ContactSender } from '#shared/ports/contact.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { BorrowerRecord, Consents, LoanRecord } from '#shared/ports/records.ts';
import { type ApplicationRequest, applicationRequestSchema } from '#shared/schemas/applications.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { DomainEvent, DomainEventType } from '#shared/schemas/events.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import application from '../../fixtures/application.json' with { type: 'json' };

/** 09:00 in Shanghai (the lender's zone and the sweep's hour) on `date`. */
export const nineAm = (date: string) => new Date(`${date}T01:00:00.000Z`);

/** Queues nothing anywhere: keeps each `enqueue` call (a batch) as it was given. */
export class RecordingQueue implements ContactQueue {
  readonly batches: ContactJob[][] = [];
  async enqueue(jobs: ContactJob[]): Promise<void> {
    this.batches.push(structuredClone(jobs));
  }
  get jobs(): ContactJob[] {
    return this.batches.flat();
  }
}

export interface SentMessage {
  channel: 'sms' | 'email';
  to: string;
  body: string;
  subject?: string;
  from: string;
  messageId: string;
}

/** The carrier: keeps every message and answers `msg-<n>`; `failNext` makes the next send throw once. */
export class StubSender implements ContactSender {
  readonly sent: SentMessage[] = [];
  private failures: Error[] = [];

  failNext(error: Error): void {
    this.failures.push(error);
  }

  async sendSms(to: string, body: string, senderId: string): Promise<string> {
    return this.accept({ channel: 'sms', to, body, from: senderId });
  }

  async sendEmail(to: string, subject: string, body: string, from: string): Promise<string> {
    return this.accept({ channel: 'email', to, body, subject, from });
  }

  private accept(message: Omit<SentMessage, 'messageId'>): string {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const messageId = `msg-${this.sent.length + 1}`;
    this.sent.push({ ...message, messageId });
    return messageId;
  }
}

/** Every port any use case takes, as in-memory stores and test doubles, sharing nothing with another harness. */
export interface Harness {
  repos: InMemoryStores;
  clock: ManualClock;
  ids: SequentialIds;
  events: RecordingEventBus;
  keys: LocalKeyService;
  rules: Rules;
  queue: RecordingQueue;
  sender: StubSender;
  log: JsonlContactLog;
  partners: PartnerDirectory;
  complaints: InMemoryComplaintStore;
  watchlist: InMemoryWatchSignals;
}

export function harness(now: Date, rules: Rules = defaultRules): Harness {
  // Events committed with loan writes reach the same recording bus, as the outbox's stream would.
  const events = new RecordingEventBus();
  const repos = createInMemoryStores(rules, events);
  return {
    repos,
    clock: new ManualClock(now),
    ids: new SequentialIds(),
    events,
    // No key file: keys generated in memory for this harness alone.
    keys: new LocalKeyService(),
    rules,
    queue: new RecordingQueue(),
    sender: new StubSender(),
    log: new JsonlContactLog(),
    partners: fixedPartnerDirectory([
      { partnerId: 'p1', name: 'Demo Loans', apiKeyId: 'key-p1' },
      { partnerId: 'p2', name: 'Other Loans', apiKeyId: 'key-p2' },
    ]),
    complaints: new InMemoryComplaintStore(),
    watchlist: new InMemoryWatchSignals(repos.loans),
  };
}

/** The events of one type published so far. */
export function eventsOf(h: Harness, type: DomainEventType): DomainEvent[] {
  return h.events.events.filter((e) => e.type === type);
}

/** The fixture application (approved at default rules), changed as asked. */
export function applicationBody(change: (b: ApplicationRequest) => void = () => {}): ApplicationRequest {
  const body = applicationRequestSchema.parse(structuredClone(application));
  change(body);
  return body;
}

export interface Person {
  partnerId?: string;
  borrowerId: string;
  idNumber?: string;
  phone?: string;
  email?: string;
  language?: Language;
  timezone?: string;
  optOut?: ('sms' | 'email')[];
  /** Consents changed from the default (every one given but sharing with collection agencies). */
  consents?: Partial<Consents>;
}

/** Stores a borrower as the seeder does: ID hashed, contact data encrypted, phone hashed for inbound SMS. */
export async function addBorrower(h: Harness, person: Person): Promise<BorrowerRecord> {
  const record = await newBorrowerRecord(
    h.keys,
    {
      partnerId: person.partnerId ?? 'p1',
      borrowerId: person.borrowerId,
      idNumber: person.idNumber ?? '440305198802140176',
      name: '甲',
      phone: person.phone ?? '+8613700000001',
      email: person.email,
    },
    {
      language: person.language ?? 'zh-CN',
      timezone: person.timezone ?? h.rules.timezone,
      optOut: person.optOut ?? [],
      consents: {
        contactBySms: true,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
        ...person.consents,
      },
    },
    '2027-05-01T00:00:00.000Z',
  );
  await h.repos.borrowers.upsert(record);
  return record;
}

/**
 * Books a loan of the borrower as a lender's book would (no application): by default a one-month bullet
 * of ¥1,000 at 18 %, disbursed 2027-05-10, so its one installment falls due 2027-06-10.
 */
export async function addLoan(
  h: Harness,
  loanId: string,
  borrower: Pick<BorrowerRecord, 'partnerId' | 'borrowerId' | 'identityHash'>,
  terms: Partial<LoanRecord> = {},
): Promise<LoanRecord> {
  return bookLoan(
    h,
    {
      loanId,
      partnerId: borrower.partnerId,
      borrowerId: borrower.borrowerId,
      identityHash: borrower.identityHash,
      terms: {
        principal: terms.principal ?? 100_000,
        aprBps: terms.aprBps ?? 1800,
        termMonths: terms.termMonths ?? 1,
        repaymentMethod: terms.repaymentMethod ?? 'bullet',
        disbursedOn: terms.disbursedOn ?? '2027-05-10',
      },
    },
    new Date('2027-05-10T02:00:00.000Z'),
  );
}

/** The person's standing today on the harness clock, as the scoring gate reads it from the identity item. */
export async function standingToday(h: Harness, identityHash: string) {
  const status = await h.repos.borrowers.identityStatus(identityHash);
  return standingOf(status.loans, localDateOf(h.clock.now(), h.rules.timezone), h.rules);
}
