import { Logger } from '@aws-lambda-powertools/logger';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSendContactHandler } from '#functions/send-contact/send-contact-handler.ts';
import { fixedPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { SnsSesSender } from '#shared/adapters/aws/sns-ses-sender.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { WatchlistRepository } from '#shared/storage/watchlist-repository.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

// Single attempts: the SDK's own retries would hide what the queue's retry does.
const sns = new SNSClient({
  region: 'ap-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const ses = new SESv2Client({
  region: 'ap-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const sqs = new SQSClient({ region: 'ap-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const snsMock = mockClient(sns);
const sesMock = mockClient(ses);
const sqsMock = mockClient(sqs);

const portfolio: Portfolio = {
  partners: [{ partnerId: 'p1', name: 'Demo Loans' }],
  borrowers: [
    {
      borrowerId: 'b1',
      partnerId: 'p1',
      name: '甲',
      phone: '+8613700000001',
      email: 'a@example.com',
      idNumber: '440305198802140176',
    },
    // Each test that counts a borrower's messages has a borrower of its own, so the order tests run in
    // changes no count.
    ...(['thr', 'led', 'cap'] as const).map((borrowerId, i) => ({
      borrowerId,
      partnerId: 'p1',
      name: '乙',
      phone: `+861370000000${4 + i}`,
      email: `${borrowerId}@example.com`,
      idNumber: withCheckChar(`31010419900101${String(i).padStart(3, '0')}`),
    })),
    {
      borrowerId: 'c2',
      partnerId: 'p1',
      name: '丙',
      phone: '+8613700000002',
      idNumber: '110101198507160016',
    },
    {
      borrowerId: 'c3',
      partnerId: 'p1',
      name: '丁',
      phone: '+8613700000003',
      idNumber: '310104199307122358',
    },
    // The carrier refuses their numbers: each has a test of its own.
    ...(['gone', 'cfg'] as const).map((borrowerId, i) => ({
      borrowerId,
      partnerId: 'p1',
      name: '戊',
      phone: `+861370000002${i}`,
      idNumber: withCheckChar(`31010419900201${String(i).padStart(3, '0')}`),
    })),
    {
      borrowerId: 'ny',
      partnerId: 'p1',
      name: 'Ann',
      phone: '+12125550100',
      idNumber: '110101199003071233',
      timezone: 'America/New_York',
      language: 'en',
    },
  ],
  loans: [
    bulletLoan('S1', 'b1'),
    bulletLoan('S2', 'thr'),
    bulletLoan('S4', 'led'),
    bulletLoan('K1', 'cap'),
    bulletLoan('K2', 'cap'),
    bulletLoan('K3', 'cap'),
    bulletLoan('T2', 'c2'),
    bulletLoan('T3', 'c3'),
    bulletLoan('N1', 'ny'),
    bulletLoan('U1', 'gone'),
    bulletLoan('U2', 'gone'),
    bulletLoan('U3', 'cfg'),
  ],
  payments: [],
  hardship: [],
  applications: [],
};

let table: TestTable;
let repos: Repositories;
const clock = new ManualClock(new Date('2027-06-10T01:00:00Z')); // 09:00 in Shanghai on the due date
const keys = new LocalKeyService();
const log = new JsonlContactLog();
let handler: ReturnType<typeof createSendContactHandler>;
let watchlist: WatchlistRepository;

beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
  watchlist = new WatchlistRepository(documentClient(table.client), table.tableName);
  await seedPortfolio(
    { repos, keys, events: new RecordingEventBus(), rules: defaultRules },
    portfolio,
    clock.now(),
  );
  handler = createSendContactHandler({
    repos,
    watchlist,
    sender: new SnsSesSender(sns, ses),
    log,
    events: new RecordingEventBus(),
    keys,
    partners: fixedPartnerDirectory(
      portfolio.partners.map((p) => ({ ...p, apiKeyId: `key-${p.partnerId}` })),
    ),
    clock,
    rules: defaultRules,
    sqs,
    queueUrl: 'https://sqs.local/queue',
    logger: new Logger({ logLevel: 'SILENT' }),
  });
});
afterAll(() => table.drop());
beforeEach(() => {
  snsMock.reset();
  sesMock.reset();
  sqsMock.reset();
  clock.set(new Date('2027-06-10T01:00:00Z'));
});

const job = (loanId: string, channel: 'sms' | 'email' = 'sms', borrowerId = 'b1'): ContactJob => ({
  jobId: `2027-06-10|p1|${borrowerId}|D0|${channel}|${loanId}`,
  businessDate: '2027-06-10',
  partnerId: 'p1',
  borrowerId,
  stage: 'D0',
  offsetDays: 0,
  channel,
  items: [{ loanId, installmentNo: 1, dueDate: '2027-06-10' }],
});
const sqsEvent = (j: ContactJob): SQSEvent =>
  ({
    Records: [{ messageId: `m-${j.jobId}`, receiptHandle: 'rh', body: JSON.stringify(j) }],
  }) as unknown as SQSEvent;
const invoke = (j: ContactJob) => handler(sqsEvent(j), {} as Context);

describe('contact sender', () => {
  it('publishes a transactional SMS with the sender id to the decrypted E.164 number', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    expect(await invoke(job('S1'))).toEqual({ batchItemFailures: [] });
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.PhoneNumber).toBe('+8613700000001');
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SenderID']?.StringValue).toBe(
      defaultRules.contact.smsSenderId,
    );
    expect(input?.Message).toContain('回复TD退订');
    expect(
      await repos.contacts.get({
        loanId: 'S1',
        installmentNo: 1,
        occurrence: '2027-06-10',
        stage: 'D0',
        channel: 'sms',
      }),
    ).toMatchObject({
      status: 'sent',
      messageId: 'sns-1',
    });
  });

  it('sends email through SES', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    expect(await invoke(job('S1', 'email'))).toEqual({ batchItemFailures: [] });
    expect(sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.Destination?.ToAddresses).toEqual([
      'a@example.com',
    ]);
  });

  it('puts a throttled send back on the queue, delayed, acknowledges the delivery, and sends it on the retry, once', async () => {
    snsMock
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ MessageId: 'sns-2' });
    const first = await invoke(job('S2', 'sms', 'thr'));
    expect(first.batchItemFailures).toEqual([]);
    const [resent] = sqsMock.commandCalls(SendMessageCommand);
    expect(resent?.args[0].input).toMatchObject({ QueueUrl: 'https://sqs.local/queue' });
    expect(resent?.args[0].input.DelaySeconds).toBeGreaterThanOrEqual(23);
    expect(JSON.parse(resent?.args[0].input.MessageBody ?? '{}')).toMatchObject({
      jobId: job('S2', 'sms', 'thr').jobId,
      throttled: 1,
    });
    expect(
      await repos.contacts.get({
        loanId: 'S2',
        installmentNo: 1,
        occurrence: '2027-06-10',
        stage: 'D0',
        channel: 'sms',
      }),
    ).toMatchObject({ status: 'failed' });
    clock.advance(60_000);
    expect(await invoke(job('S2', 'sms', 'thr'))).toEqual({ batchItemFailures: [] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(
      await repos.contacts.get({
        loanId: 'S2',
        installmentNo: 1,
        occurrence: '2027-06-10',
        stage: 'D0',
        channel: 'sms',
      }),
    ).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('never sends a contact the ledger shows as sent, however often the job is delivered', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    await invoke(job('S4', 'email', 'led'));
    await invoke(job('S4', 'email', 'led'));
    clock.advance(3_600_000);
    await invoke(job('S4', 'email', 'led'));
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('suppresses the third SMS of the borrower day (cap 2) and records why', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-4' });
    await invoke(job('K1', 'sms', 'cap'));
    await invoke(job('K2', 'sms', 'cap'));
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    await invoke(job('K3', 'sms', 'cap'));
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(
      await repos.contacts.get({
        loanId: 'K3',
        installmentNo: 1,
        occurrence: '2027-06-10',
        stage: 'D0',
        channel: 'sms',
      }),
    ).toMatchObject({
      status: 'suppressed',
      failure: 'daily_cap',
    });
    expect(log.lines.at(-1)).toMatchObject({
      loanId: 'K3',
      status: 'suppressed',
      reason: 'daily_cap',
      to: '+86137****0006',
    });
  });

  it('hides a job until the borrower window opens when it arrives at night in their zone', async () => {
    clock.set(new Date('2027-06-10T01:30:00Z')); // 21:30 on 2027-06-09 in New York
    const res = await invoke(job('N1', 'sms', 'ny'));
    expect(res.batchItemFailures).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    const change = sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input;
    expect(change?.VisibilityTimeout).toBe(10.5 * 3600); // until 08:00 EDT = 12:00Z
  });

  it('claims a batch together and sends each message once, even a job delivered twice in one batch', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-batch' });
    const batch = [job('T2', 'sms', 'c2'), job('T3', 'sms', 'c3'), job('T3', 'sms', 'c3')];
    const event = {
      Records: batch.map((j, i) => ({ messageId: `b-${i}`, receiptHandle: 'rh', body: JSON.stringify(j) })),
    } as unknown as SQSEvent;
    expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [] });
    const numbers = snsMock
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.PhoneNumber)
      .sort();
    expect(numbers).toEqual(['+8613700000002', '+8613700000003']);
    for (const loanId of ['T2', 'T3']) {
      expect(
        await repos.contacts.get({
          loanId,
          installmentNo: 1,
          occurrence: '2027-06-10',
          stage: 'D0',
          channel: 'sms',
        }),
      ).toMatchObject({ status: 'sent' });
    }
  });

  it('takes a number the carrier refuses as undeliverable: warned once, marked wrong, never retried', async () => {
    const refused = Object.assign(
      new Error('Invalid parameter: PhoneNumber Reason: +8613700000020 is not valid to publish'),
      { name: 'InvalidParameterException' },
    );
    snsMock.on(PublishCommand).rejects(refused);
    expect(await invoke(job('U1', 'sms', 'gone'))).toEqual({ batchItemFailures: [] });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    const key = {
      loanId: 'U1',
      installmentNo: 1,
      occurrence: '2027-06-10',
      stage: 'D0',
      channel: 'sms',
    } as const;
    expect(await repos.contacts.get(key)).toMatchObject({ status: 'suppressed', failure: 'undeliverable' });
    const watched = (await watchlist.all()).find((w) => w.loanId === 'U1');
    expect(watched?.signals).toEqual([
      { code: 'UNDELIVERABLE', occurrence: 'sms-refused-2027-06-10', raisedOn: '2027-06-10' },
    ]);
    expect((await repos.borrowers.get('p1', 'gone'))?.wrongNumber?.phoneHash).toBe(
      keys.hashPhone('+8613700000020'),
    );
    // The next reminder to that number is suppressed before the carrier, and raises nothing more.
    expect(await invoke(job('U2', 'sms', 'gone'))).toEqual({ batchItemFailures: [] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(await repos.contacts.get({ ...key, loanId: 'U2' })).toMatchObject({
      status: 'suppressed',
      failure: 'wrong_number',
    });
    expect((await watchlist.all()).find((w) => w.loanId === 'U2')).toBeUndefined();
  });

  it('retries an invalid parameter that is not the phone number: configuration, not the borrower', async () => {
    snsMock
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error('Invalid parameter: SenderID'), { name: 'InvalidParameterException' }),
      );
    expect((await invoke(job('U3', 'sms', 'cfg'))).batchItemFailures).toHaveLength(1);
    expect((await repos.borrowers.get('p1', 'cfg'))?.wrongNumber).toBeUndefined();
    expect((await watchlist.all()).find((w) => w.loanId === 'U3')).toBeUndefined();
  });
});
