import type { Metrics } from '@aws-lambda-powertools/metrics';
import { createAgeingHandler } from '#functions/ageing/ageing-handler.ts';
import { createEscalationStepHandler } from '#functions/escalation-step/escalation-step-handler.ts';
import { createOutboxPublisherHandler } from '#functions/outbox-publisher/outbox-publisher-handler.ts';
import { plainContext } from '#local/api-gateway-server.ts';
import { LocalEscalationWorkflow } from '#local/escalation/local-workflow.ts';
import { SimulatedTime } from '#local/escalation/simulated-time.ts';
import { fixedPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { localApiKeyId } from '#local/local-api-keys.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { OutboxStream } from '#local/outbox-stream.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { RecordingTaskQueue } from '#local/recording-task-queue.ts';
import { SequentialIds } from '#local/sequential-ids.ts';
import { SimulatedQueue } from '#local/simulated-queue.ts';
import { parseFaults, seededRandom } from '#local/simulation/faults.ts';
import { drainContactQueue, faultySender, newFaultStats } from '#local/simulation/simulated-sender.ts';
import { asFunction, TableAccessRecorder } from '#local/table-access-recorder.ts';
import { loadRules, type Rules } from '#shared/config/rules.ts';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import {
  addDays,
  formatInstantInZone,
  instantAt,
  localDateOf,
  minuteOfDay,
} from '#shared/lending/calendar.ts';
import type { LoanTerms, LocalDate } from '#shared/lending/types.ts';
import { createLogger } from '#shared/observability/logger.ts';
import { newBorrowerRecord } from '#shared/origination/new-borrower.ts';
import type { ContactQueue } from '#shared/ports/contact.ts';
import type { EscalationInput, EscalationWorkflow } from '#shared/ports/escalation.ts';
import type { ContactPreferences } from '#shared/ports/records.ts';
import type { TaskQueue } from '#shared/ports/task-queue.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { HardshipRequest } from '#shared/schemas/servicing.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import { loanView } from '#shared/servicing/loan-view.ts';
import { requestHardship } from '#shared/servicing/request-hardship.ts';
import { buildAppDeps } from '#shared/wiring/app-deps.ts';
import { createTestTable } from '../../support/dynamodb.ts';
import { ungrantedCalls } from '../../support/table-access.ts';

export const PARTNER = 'p1';
/** The partner's API key, for worlds served through the local gateway. */
export const PARTNER_KEY = 'key-p1-0123456789abcdef';

/** A call of the escalation-step handler by a task state, and how it ended. */
export interface StepCall {
  action: 'take-rung' | 'record-failure';
  rung: string;
  /** Local date (lender time zone) of the simulated instant of the call. */
  on: LocalDate;
  outcome: 'ok' | 'threw';
}

export interface WorldOptions {
  /** The DynamoDB Local to make the world's table in: the test file's own (`fileDynamoDb`), as its stream is read. */
  dynamodbEndpoint: string;
  rules?: Rules;
  /** The first simulated instant is this date's local midnight. */
  from: LocalDate;
  /** The daily ageing job (06:00) and sweep (09:00) on every simulated day, as scheduled on AWS (default true). */
  dailyJobs?: boolean;
  /** Metrics given to the escalation step (and the ageing job). */
  metrics?: Metrics;
  /** Wraps the queue the escalation step puts rung messages on (to inject faults). */
  contactQueue?: (queue: ContactQueue) => ContactQueue;
  /** Wraps the agent and legal task queues (to inject faults). */
  taskQueue?: (queue: TaskQueue) => TaskQueue;
  /** Wraps the workflow starter that the sweep and the ageing job call (to inject faults). */
  workflow?: (workflow: EscalationWorkflow) => EscalationWorkflow;
}

/**
 * One escalation world on its own table of DynamoDB Local: the real repositories, the synthesized ladder
 * under aws-local-stepfunctions (`LocalEscalationWorkflow`) with its task states bound to the real
 * escalation-step handler, the sender draining the contact queue as the simulation does, the ageing
 * job and the daily sweep on their schedule, and a manual clock moved only by `advanceTo`.
 */
/** The default rules on one due-index shard: a world holds a few loans, and each shard is a sweep slice a day. */
const worldRules = loadRules({ schedule: { dueIndexShards: 1 } });

export async function escalationWorld(options: WorldOptions) {
  const rules = options.rules ?? worldRules;
  const tz = rules.timezone;
  const table = await createTestTable({ stream: true, endpoint: options.dynamodbEndpoint });
  const tableAccess = new TableAccessRecorder();
  const clock = new ManualClock(instantAt(options.from, 0, tz));
  const events = new RecordingEventBus();
  const contactLog = new JsonlContactLog();
  const deps = buildAppDeps({
    dynamodb: table.client,
    tableName: table.tableName,
    rules,
    keys: new LocalKeyService(),
    events,
    clock,
    ids: new SequentialIds(1),
    partners: fixedPartnerDirectory([
      { partnerId: PARTNER, name: 'Demo Loans', apiKeyId: localApiKeyId(PARTNER_KEY) },
    ]),
    logger: createLogger({ serviceName: 'duebell-test', logLevel: 'SILENT' }),
  });
  // Loan writes commit their events to the table's outbox: the stream publisher brings them to `events`.
  const publisher = asFunction(
    'outbox-publisher',
    createOutboxPublisherHandler({ bus: events, logger: deps.logger }),
  );
  tableAccess.attach(table.client);
  const outbox = new OutboxStream(table.client, table.tableName, (e) => publisher(e, plainContext));
  const queue = new SimulatedQueue(() => clock.now());
  const senderDeps = faultySender(deps, contactLog, parseFaults(''), seededRandom(1), newFaultStats());

  const time = new SimulatedTime(clock);
  const taskQueue = new RecordingTaskQueue();
  const stepCalls: StepCall[] = [];
  let workflow: LocalEscalationWorkflow | undefined;
  const starter: EscalationWorkflow = {
    start: (name: string, input: EscalationInput) => (workflow as LocalEscalationWorkflow).start(name, input),
  };
  const escalationDeps: EscalationDeps = {
    ...deps,
    contactQueue: options.contactQueue?.(queue) ?? queue,
    taskQueue: options.taskQueue?.(taskQueue) ?? taskQueue,
    log: contactLog,
    workflow: options.workflow?.(starter) ?? starter,
    metrics: options.metrics,
  };
  const step = asFunction('escalation-step', createEscalationStepHandler(escalationDeps));
  workflow = new LocalEscalationWorkflow(
    rules,
    async (event) => {
      const { action, rung } = event as { action: StepCall['action']; rung: string };
      const call: StepCall = { action, rung, on: localDateOf(clock.now(), tz), outcome: 'ok' };
      stepCalls.push(call);
      try {
        return await step(event, plainContext);
      } catch (err) {
        call.outcome = 'threw';
        throw err;
      }
    },
    time,
  );
  const ageingHandler = asFunction(
    'ageing',
    createAgeingHandler({ ...escalationDeps, complaints: deps.complaints, watchlist: deps.watchlist }),
  );
  const age = (date: LocalDate) => ageingHandler({ businessDate: date }, plainContext);
  const sweep = (date: LocalDate) =>
    sweepReminders({ ...deps, queue, workflow: escalationDeps.workflow }, date);

  /** The daily jobs in time order, from the first simulated day on: ageing at 06:00, the sweep at 09:00. */
  function* dailySchedule(): Generator<{ at: Date; run: () => Promise<unknown> }> {
    for (let date = options.from; ; date = addDays(date, 1)) {
      const day = date;
      yield { at: instantAt(day, minuteOfDay(rules.collection.ageingAt), tz), run: () => age(day) };
      yield { at: instantAt(day, minuteOfDay(rules.contact.sweepAt), tz), run: () => sweep(day) };
    }
  }
  const schedule = dailySchedule();
  let nextJob = options.dailyJobs === false ? undefined : schedule.next().value;

  /** Workflows waking at their instants and queued messages sent, in time order, up to `until`. */
  const runUntil = async (until: Date) => {
    for (let wake = time.nextWakeAt(); wake !== undefined && wake <= until.getTime(); ) {
      await drainContactQueue(queue, clock, senderDeps, new Date(wake));
      await time.wakeNext();
      wake = time.nextWakeAt();
    }
    await drainContactQueue(queue, clock, senderDeps, until);
    await outbox.drain();
  };

  const world = {
    rules,
    deps,
    clock,
    time,
    workflow,
    taskQueue,
    stepCalls,
    events: events.events as DomainEvent[],
    contacts: contactLog.lines as ContactLine[],
    /** The instant of `hhmm` on `date` in the lender's time zone. */
    at: (date: LocalDate, hhmm: string) => instantAt(date, minuteOfDay(hhmm), tz),
    /** The local date of an event's or a line's instant. */
    dateOf: (instant: string) => localDateOf(instant, tz),

    /** Moves the simulated clock to `until`: daily jobs at their times, workflows and the sender in between. */
    async advanceTo(until: Date): Promise<void> {
      if (until.getTime() < clock.now().getTime()) throw new Error('time only moves forward');
      while (nextJob && nextJob.at.getTime() <= until.getTime()) {
        const job = nextJob;
        nextJob = schedule.next().value;
        await runUntil(job.at);
        clock.set(job.at);
        await job.run();
        await time.settle();
      }
      await runUntil(until);
      clock.set(until);
    },

    /** A borrower of partner p1 with a phone and an email, consenting to share with collection agencies. */
    async addBorrower(borrowerId: string, preferences: Partial<ContactPreferences> = {}) {
      const record = await newBorrowerRecord(
        deps.keys,
        {
          partnerId: PARTNER,
          borrowerId,
          idNumber: `ID-${borrowerId}`,
          name: '丁',
          phone: '+8613700000004',
          email: `${borrowerId}@example.com`,
        },
        {
          language: 'zh-CN',
          timezone: tz,
          optOut: [],
          consents: {
            contactBySms: true,
            contactByEmail: true,
            shareWithCollectionAgencies: true,
            sensitiveData: true,
          },
          ...preferences,
        },
        clock.now().toISOString(),
      );
      await deps.repos.borrowers.upsert(record);
      return record;
    },

    /**
     * Books a loan as the lender's book gives it: by default a one-month bullet of ¥1,000 at 18 %,
     * disbursed 2027-05-10 and due 2027-06-10.
     */
    async bookLoan(loanId: string, borrowerId: string, terms: Partial<LoanTerms> = {}) {
      const borrower = await deps.repos.borrowers.get(PARTNER, borrowerId);
      if (!borrower) throw new Error(`no borrower ${borrowerId}`);
      return bookLoan(
        deps,
        {
          loanId,
          partnerId: PARTNER,
          borrowerId,
          identityHash: borrower.identityHash,
          terms: {
            principal: 100_000,
            aprBps: 1800,
            termMonths: 1,
            repaymentMethod: 'bullet',
            disbursedOn: '2027-05-10',
            ...terms,
          },
        },
        clock.now(),
      );
    },

    /** A payment posted now, as the partner would post it. */
    pay(loanId: string, paymentId: string, amount: number) {
      return applyPayment(deps, PARTNER, loanId, {
        paymentId,
        amount,
        paidAt: formatInstantInZone(clock.now(), tz),
      });
    },

    /** A hardship request made now. */
    requestHardship(loanId: string, request: HardshipRequest) {
      return requestHardship(deps, PARTNER, loanId, request);
    },

    /** The stored loan record. */
    async loan(loanId: string) {
      const loan = await deps.repos.loans.getLoan(loanId);
      if (!loan) throw new Error(`no loan ${loanId}`);
      return loan;
    },

    /** What `GET /v1/loans/{loanId}` answers now. */
    async view(loanId: string) {
      const current = await deps.repos.loans.getLoanWithInstallments(loanId);
      if (!current) throw new Error(`no loan ${loanId}`);
      return loanView(current.loan, current.installments, localDateOf(clock.now(), tz), rules);
    },

    sweep,
    age,

    /** Ends every waiting workflow and drops the table. */
    async close(): Promise<void> {
      await time.close();
      await table.drop();
      // Every escalation test also checks that no function called the table beyond its grants.
      const ungranted = ungrantedCalls(tableAccess);
      if (ungranted.length > 0)
        throw new Error(`calls outside the functions' grants:\n${ungranted.join('\n')}`);
    },
  };
  return world;
}

export type EscalationWorld = Awaited<ReturnType<typeof escalationWorld>>;
