import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fixedPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { Outbox } from '#local/outbox.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { SequentialIds } from '#local/sequential-ids.ts';
import { inParallel } from '#shared/concurrency/in-parallel.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { addDays, instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import { processContactJobs } from '#shared/reminders/send-contact.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { createTable } from '#shared/storage/create-table.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { buildAppDeps } from '#shared/wiring/app-deps.ts';
import { BUSINESS_DATE } from './sweep-bench.ts';

/**
 * The reminder pipeline end to end for `count` installments at D-3: the sweep on the due-date index,
 * then every queued job through the sender (re-read, rules, ledger claim, daily slot, send, record)
 * with `concurrency` workers, as the sender Lambda's bounded concurrency would run them.
 */
export async function pipelineRate(client: DynamoDBClient, count: number, concurrency: number) {
  const tableName = `bench-${randomUUID()}`;
  await createTable(client, tableName);
  // The loans fall due on BUSINESS_DATE: three days before, the sweep finds their D-3 reminders.
  const businessDate = addDays(BUSINESS_DATE, -3);
  const clock = new ManualClock(
    instantAt(businessDate, minuteOfDay(defaultRules.contact.sweepAt), defaultRules.timezone),
  );
  const partners = fixedPartnerDirectory([{ partnerId: 'p1', name: 'Bench Loans', apiKeyId: 'bench-key' }]);
  const deps = buildAppDeps({
    dynamodb: client,
    tableName,
    rules: defaultRules,
    keys: new LocalKeyService(),
    events: new RecordingEventBus(),
    clock,
    ids: new SequentialIds(1),
    partners,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const portfolio: Portfolio = {
    partners: [{ partnerId: 'p1', name: 'Bench Loans' }],
    borrowers: Array.from({ length: count }, (_, i) => ({
      borrowerId: `b${i}`,
      partnerId: 'p1',
      name: 'Bench',
      phone: `+86137${String(i).padStart(8, '0')}`,
      idNumber: withCheckChar(`31010419900101${String(i % 1000).padStart(3, '0')}`),
    })),
    loans: Array.from({ length: count }, (_, i) => ({
      loanId: `P${String(i).padStart(7, '0')}`,
      borrowerId: `b${i}`,
      partnerId: 'p1',
      principal: 100_000,
      aprBps: 1800,
      termMonths: 1,
      repaymentMethod: 'bullet' as const,
      disbursedOn: '2027-08-15', // one month before BUSINESS_DATE
    })),
    payments: [],
    hardship: [],
    applications: [],
  };
  await seedPortfolio(deps, portfolio, clock.now());

  const jobs: ContactJob[] = [];
  const started = performance.now();
  const sweep = await sweepReminders(
    { ...deps, queue: { enqueue: async (batch) => void jobs.push(...batch) } },
    businessDate,
  );
  const sweepSeconds = (performance.now() - started) / 1000;
  const outbox = new Outbox();
  const senderDeps = { ...deps, sender: outbox, log: new JsonlContactLog() };
  // Each worker takes SQS-sized batches of 10, as the sender Lambda receives them.
  const batches: ContactJob[][] = [];
  for (let i = 0; i < jobs.length; i += 10) batches.push(jobs.slice(i, i + 10));
  await inParallel(batches, concurrency, async (batch) => {
    await processContactJobs(senderDeps, batch);
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    installments: sweep.installments,
    sent: outbox.accepted.length,
    sweepOnlyPerSecond: sweep.installments / sweepSeconds,
    endToEndPerSecond: sweep.installments / seconds,
  };
}

/**
 * The sweep + send baseline: only the writes no contact can do without, at the same concurrency — one
 * conditional put (the claim) and one update (the outcome) per contact. Contacts per second.
 */
export async function claimAndOutcomeRate(
  client: DynamoDBClient,
  count: number,
  concurrency: number,
): Promise<number> {
  const tableName = `bench-${randomUUID()}`;
  await createTable(client, tableName);
  const db = documentClient(client);
  const started = performance.now();
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const Key = { pk: `CONTACT#bench-${i}`, sk: '001#D-3#sms' };
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...Key, status: 'claimed', claimedAt: '2027-09-12T01:00:00Z' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #status = :sent, sentAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':at': '2027-09-12T01:00:01Z' },
        }),
      );
    },
  );
  return count / ((performance.now() - started) / 1000);
}
