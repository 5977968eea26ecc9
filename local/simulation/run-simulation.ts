import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { applicationRoutes } from '#functions/applications/routes.ts';
import { hardshipRoutes } from '#functions/hardship/routes.ts';
import { paymentRoutes } from '#functions/payments/routes.ts';
import { buildProxyEvent, plainContext } from '#local/api-gateway-server.ts';
import { type DynamoDbLocal, localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { Outbox } from '#local/outbox.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { SequentialIds } from '#local/sequential-ids.ts';
import { type QueuedMessage, SimulatedQueue } from '#local/simulated-queue.ts';
import { SimulatedCrashError } from '#local/simulation/faults.ts';
import { StaticPartnerDirectory } from '#shared/adapters/static-partner-directory.ts';
import { loadRules, type Rules } from '#shared/config/rules.ts';
import { addDays, instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import { createLogger } from '#shared/observability/logger.ts';
import { processContactJobs } from '#shared/reminders/send-contact.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { buildAppDeps } from '#shared/wiring/app-deps.ts';
import { type FaultSpec, seededRandom } from './faults.ts';
import { type SimulationSummary, summarize } from './summary.ts';

export interface SimulationOptions {
  portfolio: Portfolio;
  from: LocalDate;
  days: number;
  faults: FaultSpec;
  seed: number;
  /** Writes contacts.jsonl, events.jsonl and summary.json here when given. */
  outDir?: string;
  dynamodbEndpoint?: string;
  rules?: Rules;
  onProgress?: (day: number, days: number) => void;
}

export interface SimulationResult {
  contacts: ContactLine[];
  events: DomainEvent[];
  summary: SimulationSummary;
}

/** SQS visibility timeout and the backoff of a failed delivery, in simulated seconds. */
const VISIBILITY_SECONDS = 60;
/** Records per sender invocation, as the SQS event source is configured. */
const SQS_BATCH = 10;

type Action = { at: Date; order: number; run: () => Promise<void> };

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
  const tableName = `sim-${randomUUID()}`;
  await createTable(client, tableName);

  if (options.outDir) {
    mkdirSync(options.outDir, { recursive: true });
    for (const f of ['contacts.jsonl', 'events.jsonl', 'summary.json'])
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
  const stats = { snsFailures: 0, crashes: 0, duplicateSweeps: 0, carrierAccepts: new Map<string, number>() };
  const outbox = new Outbox(() => {
    const fail = faults.sns > 0 && random() < faults.sns;
    if (fail) stats.snsFailures++;
    return fail;
  });
  const senderDeps = {
    ...deps,
    sender: outbox,
    log: contactLog,
    afterCarrierAccept: (job: { jobId: string }) => {
      stats.carrierAccepts.set(job.jobId, (stats.carrierAccepts.get(job.jobId) ?? 0) + 1);
      if (faults.crash > 0 && random() < faults.crash) {
        stats.crashes++;
        throw new SimulatedCrashError(`crashed before recording ${job.jobId}`);
      }
    },
  };
  const sweepDeps = { ...deps, queue };
  const routes = { ...paymentRoutes(deps), ...hardshipRoutes(deps), ...applicationRoutes(deps) };
  const call = async (
    key: keyof typeof routes,
    partnerId: string,
    path: string,
    params: Record<string, string> | null,
    body: unknown,
  ) => {
    const [method = 'POST', resource = ''] = key.split(' ');
    const event = buildProxyEvent({
      resource,
      path,
      method,
      headers: { 'content-type': 'application/json' },
      pathParameters: params,
      body: JSON.stringify(body),
      apiKeyId: `sim-${partnerId}`,
    });
    return routes[key](event, plainContext);
  };

  await seedPortfolio(deps, options.portfolio, clock.now());

  const actions: Action[] = [];
  for (let day = 0; day < options.days; day++) {
    const date = addDays(options.from, day);
    const at = instantAt(date, minuteOfDay(rules.contact.sweepAt), tz);
    const sweep = async () => {
      await sweepReminders(sweepDeps, date);
      options.onProgress?.(day + 1, options.days);
    };
    actions.push({ at, order: 0, run: sweep });
    if (faults.dup > 0 && random() < faults.dup) {
      stats.duplicateSweeps++;
      actions.push({ at, order: 1, run: () => sweepReminders(sweepDeps, date).then(() => undefined) });
    }
  }
  for (const p of options.portfolio.payments) {
    const loan = options.portfolio.loans.find((l) => l.loanId === p.loanId);
    if (!loan) continue;
    actions.push({
      at: new Date(p.paidAt),
      order: 2,
      run: async () => {
        await call(
          'POST /v1/loans/{loanId}/payments',
          loan.partnerId,
          `/v1/loans/${p.loanId}/payments`,
          { loanId: p.loanId },
          {
            paymentId: p.paymentId,
            amount: p.amount,
            paidAt: p.paidAt,
          },
        );
      },
    });
  }
  for (const h of options.portfolio.hardship) {
    const loan = options.portfolio.loans.find((l) => l.loanId === h.loanId);
    if (!loan) continue;
    actions.push({
      at: new Date(h.requestedAt),
      order: 3,
      run: async () => {
        await call(
          'POST /v1/loans/{loanId}/hardship',
          loan.partnerId,
          `/v1/loans/${h.loanId}/hardship`,
          { loanId: h.loanId },
          {
            reason: h.reason,
            deferralDays: h.deferralDays,
          },
        );
      },
    });
  }
  for (const a of options.portfolio.applications) {
    actions.push({
      at: new Date(a.at),
      order: 4,
      run: async () => {
        await call('POST /v1/applications', a.partnerId, '/v1/applications', null, a.body);
      },
    });
  }
  const inRange = actions
    .filter((a) => a.at.getTime() >= start.getTime() && a.at.getTime() < end.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);

  const drainQueue = async (until: Date) => {
    for (;;) {
      const received = queue.receive(until, SQS_BATCH);
      if (!received) return;
      if (received.at.getTime() > clock.now().getTime()) clock.set(received.at);
      const outcomes = await processContactJobs(
        senderDeps,
        received.messages.map((m) => m.job),
      );
      for (const [i, outcome] of outcomes.entries()) {
        const message = received.messages[i] as QueuedMessage;
        if (outcome.kind === 'retry-at') queue.retryAt(message, outcome.at);
        else if (outcome.kind === 'failed') {
          const err = outcome.error as Error;
          if (!(err instanceof SimulatedCrashError) && err.name !== 'TransientSendError') throw err;
          queue.retryAt(
            message,
            new Date(clock.now().getTime() + VISIBILITY_SECONDS * 1000 * message.receives),
          );
        }
      }
    }
  };

  for (const action of inRange) {
    await drainQueue(action.at);
    clock.set(action.at);
    await action.run();
  }
  await drainQueue(new Date(end.getTime() - 1));
  clock.set(end);

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
  if (options.outDir)
    writeFileSync(join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
  await dynamo?.stop();
  return { contacts: contactLog.lines, events: events.events, summary };
}
