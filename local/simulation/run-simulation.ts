import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import type { SimulatedTime } from '#local/escalation/simulated-time.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { SequentialIds } from '#local/sequential-ids.ts';
import { SimulatedQueue } from '#local/simulated-queue.ts';
import { StaticPartnerDirectory } from '#shared/adapters/static-partner-directory.ts';
import { loadRules, type Rules } from '#shared/config/rules.ts';
import { addDays, instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import { createLogger } from '#shared/observability/logger.ts';
import type { SenderDeps } from '#shared/reminders/send-contact.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { buildAppDeps } from '#shared/wiring/app-deps.ts';
import { DailySnapshots } from './daily-snapshot.ts';
import { type FaultSpec, seededRandom } from './faults.ts';
import { partnerRequests, type ScheduledAction } from './partner-requests.ts';
import { simulatedEscalation } from './simulated-escalation.ts';
import { drainContactQueue, faultySenderDeps, newFaultStats } from './simulated-sender.ts';
import { type SimulationSummary, summarize } from './summary.ts';

export interface SimulationOptions {
  portfolio: Portfolio;
  from: LocalDate;
  days: number;
  faults: FaultSpec;
  seed: number;
  /** Writes contacts.jsonl, events.jsonl, ageing.jsonl and summary.json here when given. */
  outDir?: string;
  dynamodbEndpoint?: string;
  /** Leave the run's table at `dynamodbEndpoint` for inspection, named in summary.json (the CLI does). */
  keepTables?: boolean;
  rules?: Rules;
  onProgress?: (day: number, days: number) => void;
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
    const run = async () => {
      await sweep(date);
      options.onProgress?.(day + 1, options.days);
    };
    actions.push({ at, order: 0, run });
    if (duplicated()) actions.push({ at, order: 1, run: () => sweep(date).then(() => undefined) });
  }
  return actions;
}

/**
 * Everything in time order: workflows waking at their rungs, queued messages as SQS would deliver them,
 * and the scheduled actions within [start, end); a workflow runs until it waits again before time moves.
 */
async function runInTimeOrder(
  actions: ScheduledAction[],
  period: { start: Date; end: Date },
  world: { clock: ManualClock; queue: SimulatedQueue; senderDeps: SenderDeps; time: SimulatedTime },
): Promise<void> {
  const { clock, queue, senderDeps, time } = world;
  const runUntil = async (until: Date) => {
    for (let wake = time.nextWakeAt(); wake !== undefined && wake <= until.getTime(); ) {
      await drainContactQueue(queue, clock, senderDeps, new Date(wake));
      await time.wakeNext();
      wake = time.nextWakeAt();
    }
    await drainContactQueue(queue, clock, senderDeps, until);
  };
  const inRange = actions
    .filter((a) => a.at.getTime() >= period.start.getTime() && a.at.getTime() < period.end.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  for (const action of inRange) {
    await runUntil(action.at);
    clock.set(action.at);
    await action.run();
    await time.settle();
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
    for (const f of ['contacts.jsonl', 'events.jsonl', 'ageing.jsonl', 'summary.json'])
      rmSync(join(options.outDir, f), { force: true });
  }
  const start = instantAt(options.from, 0, tz);
  const end = instantAt(addDays(options.from, options.days), 0, tz);
  const clock = new ManualClock(start);
  const events = new RecordingEventBus(options.outDir ? join(options.outDir, 'events.jsonl') : undefined);
  const contactLog = new JsonlContactLog(options.outDir ? join(options.outDir, 'contacts.jsonl') : undefined);
  const partnerEntries = options.portfolio.partners.map((p) => ({ ...p, apiKeyId: `sim-${p.partnerId}` }));
  const deps = buildAppDeps({
    dynamodb: client,
    tableName,
    rules,
    keys: new LocalKeyService(),
    events,
    clock,
    ids: new SequentialIds(options.seed),
    partners: new StaticPartnerDirectory(partnerEntries),
    logger: createLogger({ serviceName: 'duebell-simulate', logLevel: 'SILENT' }),
  });
  const queue = new SimulatedQueue(() => clock.now());
  const stats = newFaultStats();
  const senderDeps = faultySenderDeps(deps, contactLog, faults, random, stats);
  const escalation = simulatedEscalation(deps, queue, contactLog, clock);
  const sweepDeps = { ...deps, queue, workflow: escalation.escalationDeps.workflow };

  await seedPortfolio(deps, options.portfolio, clock.now());

  const actions = dailySweeps(
    options,
    rules,
    (date) => sweepReminders(sweepDeps, date),
    () => {
      if (!(faults.dup > 0 && random() < faults.dup)) return false;
      stats.duplicateSweeps++;
      return true;
    },
  );
  actions.push(...partnerRequests(deps, options.portfolio));
  // The loans past due each day, right after the ageing job (ageing.jsonl, for duebell report).
  const snapshots = new DailySnapshots(
    deps,
    options.outDir ? join(options.outDir, 'ageing.jsonl') : undefined,
  );
  actions.push(
    ...dailyAgeing(options, rules, (date) => escalation.age(date).then(() => snapshots.take(date))),
  );
  await runInTimeOrder(actions, { start, end }, { clock, queue, senderDeps, time: escalation.time });
  const waitingAtEnd = escalation.time.waiting;
  await escalation.time.close();

  const carrierDuplicates = [...stats.carrierAccepts.values()].reduce((sum, n) => sum + (n - 1), 0);
  const summary = await summarize({
    deps,
    portfolio: options.portfolio,
    contacts: contactLog.lines,
    events: events.events,
    from: options.from,
    endDate: addDays(options.from, options.days),
    faults: {
      snsFailures: stats.snsFailures,
      crashes: stats.crashes,
      duplicateSweeps: stats.duplicateSweeps,
      deadLetters: queue.deadLetters.length,
    },
    carrierDuplicates,
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
  return { contacts: contactLog.lines, events: events.events, summary };
}
