import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createOutboxPublisherHandler } from '#functions/outbox-publisher/outbox-publisher-handler.ts';
import { createSendContactHandler } from '#functions/send-contact/send-contact-handler.ts';
import { createSweepHandler } from '#functions/sweep/sweep-handler.ts';
import { createSweepSliceHandler } from '#functions/sweep-slice/sweep-slice-handler.ts';
import { plainContext } from '#local/api-gateway-server.ts';
import { type DynamoDbLocal, localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import type { SimulatedTime } from '#local/escalation/simulated-time.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { LocalQueue, localSqsClient } from '#local/local-sqs.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { OutboxStream } from '#local/outbox-stream.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { SequentialIds } from '#local/sequential-ids.ts';
import { asFunction, type TableAccessRecorder } from '#local/table-access-recorder.ts';
import { SqsContactQueue } from '#shared/adapters/aws/sqs-contact-queue.ts';
import { SqsSliceQueue } from '#shared/adapters/aws/sqs-slice-queue.ts';
import { CachedPartnerDirectory } from '#shared/adapters/cached-partner-directory.ts';
import { loadRules, type Rules } from '#shared/config/rules.ts';
import { addDays, instantAt, localDateOf, minuteOfDay } from '#shared/lending/calendar.ts';
import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import { createLogger } from '#shared/observability/logger.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { OutboxEventBus } from '#shared/storage/outbox.ts';
import { PartnerDirectoryRepository } from '#shared/storage/partner-directory-repository.ts';
import { buildAppDeps } from '#shared/wiring/app-deps.ts';
import { DailySnapshots } from './daily-snapshot.ts';
import { deskActions } from './desk-actions.ts';
import { deliverOnce } from './event-source.ts';
import { type FaultSpec, seededRandom } from './faults.ts';
import { partnerRequests, type ScheduledAction, simulatedApiKeyId } from './partner-requests.ts';
import { simulatedEscalation } from './simulated-escalation.ts';
import { faultySender, newFaultStats } from './simulated-sender.ts';
import { type SimulationSummary, summarize } from './summary.ts';

export interface SimulationOptions {
  portfolio: Portfolio;
  from: LocalDate;
  days: number;
  faults: FaultSpec;
  seed: number;
  /** Writes contacts.jsonl, events.jsonl, ageing.jsonl, portfolio.jsonl and summary.json here when given. */
  outDir?: string;
  dynamodbEndpoint?: string;
  /** Leave the run's table at `dynamodbEndpoint` for inspection, named in summary.json (the CLI does). */
  keepTables?: boolean;
  rules?: Rules;
  onProgress?: (day: number, days: number) => void;
  /** The handlers' log level (to standard output); silent unless asked, as the CLI draws progress there. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Records which function makes which DynamoDB call (the least-privilege tests). */
  tableAccess?: TableAccessRecorder;
}

/**
 * The daily sweep at its local time on every simulated day; `duplicated` says whether the scheduler
 * delivers a day's run twice (asked day by day, in order, so a seed replays the same faults).
 */
function dailySweeps(
  options: SimulationOptions,
  rules: Rules,
  sweep: (date: LocalDate) => Promise<unknown>,
  duplicated: () => boolean,
): ScheduledAction[] {
  const actions: ScheduledAction[] = [];
  for (let day = 0; day < options.days; day++) {
    const date = addDays(options.from, day);
    const at = instantAt(date, minuteOfDay(rules.contact.sweepAt), rules.timezone);
    // A duplicated schedule fires twice at once, not one after the other.
    const twice = duplicated();
    const run = async () => {
      await Promise.all(twice ? [sweep(date), sweep(date)] : [sweep(date)]);
      options.onProgress?.(day + 1, options.days);
    };
    actions.push({ at, order: 0, run });
  }
  return actions;
}

/** The queues and their consumers, as Lambda's event sources work them. */
interface EventSources {
  clock: ManualClock;
  time: SimulatedTime;
  sources: {
    queue: LocalQueue;
    handler: Parameters<typeof deliverOnce>[1];
    batchSize: number;
    concurrency: number;
  }[];
  /**
   * Publishes what the outbox holds (the stream publisher) after each scheduled action and what it set off:
   * nothing in the run reads the bus, so publishing later changes no step, and each stream read costs.
   */
  drainEvents: () => Promise<unknown>;
}

/** Delivers every message visible by `until`, earliest first, moving the clock to each delivery. */
async function deliverUntil(world: EventSources, until: number): Promise<void> {
  for (;;) {
    let next: { source: EventSources['sources'][number]; at: number } | undefined;
    for (const source of world.sources) {
      const at = source.queue.nextVisibleAt();
      if (at !== undefined && at <= until && (!next || at < next.at)) next = { source, at };
    }
    if (!next) return;
    if (next.at > world.clock.now().getTime()) world.clock.set(new Date(next.at));
    const delivered = await deliverOnce(
      next.source.queue,
      next.source.handler,
      world.clock.now().getTime(),
      next.source,
    );
    if (delivered === 0) return;
  }
}

/**
 * Everything in time order: workflows waking at their rungs, queued messages as SQS would deliver them,
 * and the scheduled actions within [start, end); a workflow runs until it waits again before time moves.
 */
async function runInTimeOrder(
  actions: ScheduledAction[],
  period: { start: Date; end: Date },
  world: EventSources,
): Promise<void> {
  const { clock, time } = world;
  const runUntil = async (until: Date) => {
    for (let wake = time.nextWakeAt(); wake !== undefined && wake <= until.getTime(); ) {
      await deliverUntil(world, wake);
      clock.set(new Date(Math.max(wake, clock.now().getTime())));
      await time.wakeNext();
      wake = time.nextWakeAt();
    }
    await deliverUntil(world, until.getTime());
  };
  const inRange = actions
    .filter((a) => a.at.getTime() >= period.start.getTime() && a.at.getTime() < period.end.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  for (const action of inRange) {
    await runUntil(action.at);
    clock.set(new Date(Math.max(action.at.getTime(), clock.now().getTime())));
    await action.run();
    await time.settle();
    await world.drainEvents();
  }
  await runUntil(new Date(period.end.getTime() - 1));
  clock.set(period.end);
}

/** The daily ageing job at its local time on every simulated day. */
function dailyAgeing(
  options: SimulationOptions,
  rules: Rules,
  age: (date: LocalDate) => Promise<unknown>,
): ScheduledAction[] {
  return Array.from({ length: options.days }, (_, day) => {
    const date = addDays(options.from, day);
    const at = instantAt(date, minuteOfDay(rules.collection.ageingAt), rules.timezone);
    return { at, order: 0, run: () => age(date).then(() => undefined) };
  });
}

export interface SimulationResult {
  contacts: ContactLine[];
  events: DomainEvent[];
  summary: SimulationSummary;
  /** The ageing job's portfolio snapshot of each simulated day. */
  portfolio: PortfolioSnapshot[];
}

/**
 * Replays a portfolio on a simulated clock through the real handlers (payments, hardship and
 * applications as the partner sends them; the sweep at 09:00 lender time; the sender per queued job),
 * the real table on DynamoDB Local, and the outbox behind the sending port. Deterministic for one seed.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const rules =
    options.rules ?? loadRules(options.portfolio.timezone ? { timezone: options.portfolio.timezone } : {});
  const tz = rules.timezone;
  const random = seededRandom(options.seed);
  const { faults } = options;

  let dynamo: DynamoDbLocal | undefined;
  if (!options.dynamodbEndpoint) dynamo = await startDynamoDbLocal();
  const endpoint = options.dynamodbEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  const client = localDynamoDbClient(endpoint);
  // A kept table is named by the run's inputs, so its name is deterministic too (a rerun replaces it).
  const tableName = options.keepTables
    ? `duebell-sim-${options.from}-${options.days}d-seed${options.seed}`
    : `sim-${randomUUID()}`;
  if (options.keepTables) await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
  await createTable(client, tableName);

  if (options.outDir) {
    mkdirSync(options.outDir, { recursive: true });
    for (const f of ['contacts.jsonl', 'events.jsonl', 'ageing.jsonl', 'portfolio.jsonl', 'summary.json'])
      rmSync(join(options.outDir, f), { force: true });
  }
  const start = instantAt(options.from, 0, tz);
  const end = instantAt(addDays(options.from, options.days), 0, tz);
  const clock = new ManualClock(start);
  const events = new RecordingEventBus(options.outDir ? join(options.outDir, 'events.jsonl') : undefined);
  const contactLog = new JsonlContactLog(options.outDir ? join(options.outDir, 'contacts.jsonl') : undefined);
  // The portfolio's partners enter the run's directory as a lender's operator would add them.
  const directory = new PartnerDirectoryRepository(documentClient(client), tableName);
  for (const p of options.portfolio.partners)
    await directory.addPartner({ ...p, apiKeyId: simulatedApiKeyId(p.partnerId), at: start.toISOString() });
  const logger = createLogger({ serviceName: 'duebell-simulate', logLevel: options.logLevel ?? 'SILENT' });
  const stats = newFaultStats();
  // As on AWS: every function writes events to the table's outbox; the stream publisher puts them on the
  // bus (here the recording one, failing at `bus=`), retrying from the stream what the bus refused.
  const bus = {
    publish: async (batch: Parameters<RecordingEventBus['publish']>[0]) => {
      if (faults.bus > 0 && random() < faults.bus) {
        stats.busFailures++;
        throw Object.assign(new Error('PutEvents failed'), { name: 'EventBridgePutEventsError' });
      }
      await events.publish(batch);
    },
  };
  const publisher = asFunction('outbox-publisher', createOutboxPublisherHandler({ bus, logger }));
  options.tableAccess?.attach(client);
  const outbox = new OutboxStream(client, tableName, (event) => publisher(event, plainContext));
  const deps = buildAppDeps({
    dynamodb: client,
    tableName,
    rules,
    keys: LocalKeyService.forSeed(options.seed),
    events: new OutboxEventBus(documentClient(client), tableName),
    clock,
    ids: new SequentialIds(options.seed),
    partners: new CachedPartnerDirectory(directory, clock, rules.api.partnerCacheSeconds),
    logger,
  });

  // The queues as CDK configures them: contact jobs (60 s visibility, 10 receives) and sweep slices (180 s).
  const redeliver = () => faults.redeliver > 0 && random() < faults.redeliver;
  const now = () => clock.now();
  const contactQueue = new LocalQueue('local://contact-jobs', now, {
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 10,
    duplicate: redeliver,
  });
  const sliceQueue = new LocalQueue('local://sweep-slices', now, {
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 10,
    duplicate: redeliver,
  });
  const sqs = localSqsClient([contactQueue, sliceQueue]);
  const jobs = new SqsContactQueue(sqs, contactQueue.url);
  const slices = new SqsSliceQueue(sqs, sliceQueue.url);

  // `throttle=`: on a day drawn at that rate, the carrier throttles every send for ten minutes from the sweep.
  const throttledDays = new Set<string>();
  for (let day = 0; day < options.days; day++)
    if (faults.throttle > 0 && random() < faults.throttle) throttledDays.add(addDays(options.from, day));
  const throttling = () => {
    const t = clock.now();
    const date = localDateOf(t, tz);
    const from = instantAt(date, minuteOfDay(rules.contact.sweepAt), tz).getTime();
    return throttledDays.has(date) && t.getTime() >= from && t.getTime() < from + 10 * 60_000;
  };
  const senderDeps = faultySender(deps, contactLog, faults, random, stats, throttling);
  const escalation = simulatedEscalation(deps, jobs, contactLog, clock);
  const sender = asFunction(
    'send-contact',
    createSendContactHandler({ ...senderDeps, sqs, queueUrl: contactQueue.url, logger }),
  );
  const sliceWorker = asFunction(
    'sweep-slice',
    createSweepSliceHandler({
      ...deps,
      queue: jobs,
      slices,
      workflow: escalation.escalationDeps.workflow,
      logger,
    }),
  );
  const coordinator = asFunction('sweep', createSweepHandler({ ...deps, slices }));

  // One worker at a time keeps a seed's run byte-identical; with `redeliver=`, two workers run at once,
  // so the copies of a message can be worked concurrently, as SQS can deliver them.
  const workers = faults.redeliver > 0 ? 2 : 1;

  await seedPortfolio(deps, options.portfolio, clock.now());
  await outbox.drain();

  const actions = dailySweeps(
    options,
    rules,
    (date) => coordinator({ businessDate: date }, plainContext),
    () => {
      if (!(faults.dup > 0 && random() < faults.dup)) return false;
      stats.duplicateSweeps++;
      return true;
    },
  );
  const requests = partnerRequests(deps, options.portfolio, options.from);
  actions.push(...requests.actions);
  // The portfolio's desk actions (restructuring, waivers, deferrals, hardship decisions), as a supervisor.
  actions.push(...deskActions(deps, options.portfolio, requests.answers));
  // The loans past due each day, right after the ageing job (ageing.jsonl, for duebell report).
  const snapshots = new DailySnapshots(
    deps,
    options.outDir ? join(options.outDir, 'ageing.jsonl') : undefined,
    options.outDir ? join(options.outDir, 'portfolio.jsonl') : undefined,
  );
  actions.push(
    ...dailyAgeing(options, rules, (date) => escalation.age(date).then(() => snapshots.take(date))),
  );
  await runInTimeOrder(
    actions,
    { start, end },
    {
      clock,
      time: escalation.time,
      sources: [
        {
          queue: sliceQueue,
          handler: (e) => sliceWorker(e, plainContext),
          batchSize: 1,
          concurrency: workers,
        },
        { queue: contactQueue, handler: (e) => sender(e, plainContext), batchSize: 10, concurrency: workers },
      ],
      drainEvents: () => outbox.drain(),
    },
  );
  const waitingAtEnd = escalation.time.waiting;
  await escalation.time.close();
  // What the bus refused is retried from the stream until it goes out.
  for (let i = 0; i < 100 && (await outbox.drain()) > 0; i++);
  outbox.close();

  const summary = await summarize({
    deps,
    portfolio: options.portfolio,
    contacts: contactLog.lines,
    events: events.events,
    from: options.from,
    endDate: addDays(options.from, options.days),
    faults: {
      snsFailures: stats.snsFailures,
      crashes: Object.values(stats.deaths).reduce((a, b) => a + b, 0),
      deaths: stats.deaths,
      duplicateSweeps: stats.duplicateSweeps,
      redelivered: contactQueue.duplicated + sliceQueue.duplicated,
      throttled: stats.throttled,
      busFailures: stats.busFailures,
      deadLetters: contactQueue.deadLetters.length + sliceQueue.deadLetters.length,
    },
    carrierDuplicates: senderDeps.sender.repeats,
    requests: requests.answers,
  });
  if (options.keepTables) summary.tables = [tableName];
  summary.escalation = {
    episodesStarted: escalation.workflow.started,
    failedExecutions: escalation.workflow.failed.length,
    waitingAtEnd,
    agentTasks: escalation.taskQueue.tasks.filter((t) => t.queue === rules.collection.agentQueueName).length,
    legalTasks: escalation.taskQueue.tasks.filter((t) => t.queue === rules.collection.legalQueueName).length,
  };
  if (options.outDir)
    writeFileSync(join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  if (!options.keepTables) await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
  await dynamo?.stop();
  return { contacts: contactLog.lines, events: events.events, summary, portfolio: snapshots.portfolio };
}
