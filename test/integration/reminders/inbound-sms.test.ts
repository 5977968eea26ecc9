import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboundSmsHandler } from '#functions/inbound-sms/inbound-sms-handler.ts';
import { LocalKeyService } from '#local/local-key-service.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { asFunction, TableAccessRecorder } from '#local/table-access-recorder.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import type { BorrowerRecord } from '#shared/ports/records.ts';
import { complaintIdFor } from '#shared/reminders/inbound-sms.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { ComplaintRepository } from '#shared/storage/complaint-repository.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { WatchlistRepository } from '#shared/storage/watchlist-repository.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';
import { ungrantedCalls } from '../../support/table-access.ts';

const portfolio: Portfolio = {
  partners: [
    { partnerId: 'pa', name: 'A' },
    { partnerId: 'pb', name: 'B' },
  ],
  borrowers: [
    { borrowerId: 'x', partnerId: 'pa', name: '甲', phone: '+8613700000009', idNumber: '440305198802140176' },
    { borrowerId: 'y', partnerId: 'pb', name: '甲', phone: '+8613700000009', idNumber: '440305198802140176' },
    { borrowerId: 'z', partnerId: 'pa', name: '乙', phone: '+8613700000010', idNumber: '110101199003071233' },
    // Borrowers with a loan: w and k have no email (a STOP leaves no channel), e has one.
    {
      borrowerId: 'k',
      partnerId: 'pa',
      name: '戊',
      phone: '+8613700000016',
      idNumber: withCheckChar('11010119900307723'),
    },
    { borrowerId: 'w', partnerId: 'pa', name: '丙', phone: '+8613700000014', idNumber: '110101198507160016' },
    {
      borrowerId: 'e',
      partnerId: 'pb',
      name: '丁',
      phone: '+8613700000015',
      email: 'e@example.com',
      idNumber: '310104199307122358',
    },
  ],
  loans: [
    { ...bulletLoan('LK', 'k'), partnerId: 'pa' },
    { ...bulletLoan('LW', 'w'), partnerId: 'pa' },
    { ...bulletLoan('LE', 'e'), partnerId: 'pb' },
  ],
  payments: [],
  hardship: [],
  applications: [],
};

let table: TestTable;
let repos: Repositories;
let handler: (event: SNSEvent, context: Context) => Promise<unknown>;
let watchlist: WatchlistRepository;
const tableAccess = new TableAccessRecorder();
const keys = new LocalKeyService();

beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
  const clock = new ManualClock(new Date('2027-06-01T00:00:00Z'));
  await seedPortfolio(
    { repos, keys, events: new RecordingEventBus(), rules: defaultRules },
    portfolio,
    clock.now(),
  );
  tableAccess.attach(table.client);
  watchlist = new WatchlistRepository(documentClient(table.client), table.tableName);
  handler = asFunction(
    'inbound-sms',
    createInboundSmsHandler({
      repos,
      watchlist,
      complaints: new ComplaintRepository(documentClient(table.client), table.tableName),
      keys,
      clock,
      rules: defaultRules,
    }),
  );
});
afterAll(async () => {
  await table.drop();
  expect(ungrantedCalls(tableAccess)).toEqual([]);
});

let delivered = 0;
/** One SNS delivery of an inbound message; without `inboundMessageId`, SNS's own id names it. */
const sms = (from: string, body: string, inboundMessageId?: string) => {
  delivered += 1;
  const message = {
    originationNumber: from,
    messageBody: body,
    ...(inboundMessageId ? { inboundMessageId } : {}),
  };
  return {
    Records: [{ Sns: { MessageId: `sns-${delivered}`, Message: JSON.stringify(message) } }],
  } as unknown as SNSEvent;
};

describe('inbound SMS', () => {
  it('leaves preferences alone for a reply that is not an opt-out keyword', async () => {
    // Whatever other tests did first: the reply changes nothing of either borrower using the number.
    const before = [await repos.borrowers.get('pa', 'x'), await repos.borrowers.get('pb', 'y')];
    expect(await handler(sms('+8613700000009', 'thanks, paid'), {} as Context)).toEqual({
      optedOut: 0,
      complaints: 1,
    });
    expect([await repos.borrowers.get('pa', 'x'), await repos.borrowers.get('pb', 'y')]).toEqual(before);
  });

  it('opts out of SMS every borrower using the number, at every partner, on 退订', async () => {
    // Borrower z uses another number: whatever other tests did to z first, 退订 from this one leaves z as is.
    const otherBefore = await repos.borrowers.get('pa', 'z');
    expect(await handler(sms('+8613700000009', '退订'), {} as Context)).toEqual({
      optedOut: 2,
      complaints: 0,
    });
    expect((await repos.borrowers.get('pa', 'x'))?.preferences.optOut).toEqual(['sms']);
    expect((await repos.borrowers.get('pb', 'y'))?.preferences.optOut).toEqual(['sms']);
    expect(await repos.borrowers.get('pa', 'z')).toEqual(otherBefore);
  });

  it("leaves alone a borrower who has moved to another number, and drops the old number's lookup", async () => {
    const before = await repos.borrowers.get('pa', 'z');
    if (!before) throw new Error('seeded borrower z is missing');
    const moved = { ...before, phoneHash: keys.hashPhone('+8613700000011') };
    await documentClient(table.client).send(
      new TransactWriteCommand({ TransactItems: repos.borrowers.upsertItems(moved, before) }),
    );
    expect(await repos.borrowers.findByPhoneHash(keys.hashPhone('+8613700000010'))).toEqual([]);
    expect(await handler(sms('+8613700000010', 'STOP'), {} as Context)).toEqual({
      optedOut: 0,
      complaints: 0,
    });
    expect((await repos.borrowers.get('pa', 'z'))?.preferences.optOut).toEqual([]);
    expect(await handler(sms('+8613700000011', 'STOP'), {} as Context)).toEqual({
      optedOut: 1,
      complaints: 0,
    });
    expect((await repos.borrowers.get('pa', 'z'))?.preferences.optOut).toEqual(['sms']);
  });

  it('ignores a lookup item left behind for a number its borrower no longer uses', async () => {
    const record = (phone: string): BorrowerRecord => ({
      partnerId: 'pa',
      borrowerId: 'v',
      identityHash: 'someone',
      nameEncrypted: 'enc:name',
      phoneEncrypted: 'enc:phone',
      phoneHash: keys.hashPhone(phone),
      preferences: {
        language: 'zh-CN',
        timezone: 'Asia/Shanghai',
        optOut: [],
        consents: {
          contactBySms: true,
          contactByEmail: true,
          shareWithCollectionAgencies: false,
          sensitiveData: true,
        },
      },
      createdAt: '2027-06-01T00:00:00.000Z',
      updatedAt: '2027-06-01T00:00:00.000Z',
    });
    // Upserted without the previous record, the old number's lookup item stays behind.
    await repos.borrowers.upsert(record('+8613700000012'));
    await repos.borrowers.upsert(record('+8613700000013'));
    expect(await repos.borrowers.findByPhoneHash(keys.hashPhone('+8613700000012'))).toHaveLength(1);
    expect(await handler(sms('+8613700000012', 'TD'), {} as Context)).toEqual({ optedOut: 0, complaints: 0 });
    expect((await repos.borrowers.get('pa', 'v'))?.preferences.optOut).toEqual([]);
  });

  it('ignores a payload it does not understand instead of failing', async () => {
    const bad = { Records: [{ Sns: { Message: 'not json' } }] } as unknown as SNSEvent;
    expect(await handler(bad, {} as Context)).toEqual({ optedOut: 0, complaints: 0 });
  });

  it("records one complaint per carrier message however often SNS delivers it, keyed by the carrier's id", async () => {
    const complaints = new ComplaintRepository(documentClient(table.client), table.tableName);
    const first = await handler(sms('+8613700000009', 'why two calls today?', 'carrier-77'), {} as Context);
    const again = await handler(sms('+8613700000009', 'why two calls today?', 'carrier-77'), {} as Context);
    expect([first, again]).toEqual([
      { optedOut: 0, complaints: 1 },
      { optedOut: 0, complaints: 0 },
    ]);
    const stored = await complaints.get(complaintIdFor('carrier-77'));
    expect(stored?.borrowers).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain('why two calls');
  });

  it("falls back on SNS's message id, the same on a redelivery", async () => {
    const event = sms('+8613700000009', 'please call after 6pm');
    expect(await handler(event, {} as Context)).toEqual({ optedOut: 0, complaints: 1 });
    expect(await handler(event, {} as Context)).toEqual({ optedOut: 0, complaints: 0 });
  });

  it('warns ALL_CHANNELS_OPTED_OUT on the loan of a borrower a STOP leaves no channel, once however often it comes', async () => {
    const signalsOf = async (loanId: string) =>
      (await watchlist.all()).find((w) => w.loanId === loanId)?.signals ?? [];
    expect(await handler(sms('+8613700000014', 'STOP'), {} as Context)).toEqual({
      optedOut: 1,
      complaints: 0,
    });
    const raised = [
      { code: 'ALL_CHANNELS_OPTED_OUT', occurrence: 'opted-out-2027-06-01', raisedOn: '2027-06-01' },
    ];
    expect(await signalsOf('LW')).toEqual(raised);
    await handler(sms('+8613700000014', 'STOP'), {} as Context);
    expect(await signalsOf('LW')).toEqual(raised);
    // Email is still open to e: opted out of SMS alone, the loan is not warned.
    expect(await handler(sms('+8613700000015', 'TD'), {} as Context)).toEqual({
      optedOut: 1,
      complaints: 0,
    });
    expect(await signalsOf('LE')).toEqual([]);
  });

  it('still warns when a delivery died between the opt-out and the warning: the redelivery raises it', async () => {
    const phoneHash = keys.hashPhone('+8613700000016');
    // The first delivery's opt-out, then nothing more: its process died there.
    await repos.borrowers.optOut('pa', 'k', 'sms', '2027-06-01T00:00:00.000Z', phoneHash);
    await handler(sms('+8613700000016', 'STOP', 'carrier-k'), {} as Context);
    expect((await watchlist.all()).find((w) => w.loanId === 'LK')?.signals).toEqual([
      { code: 'ALL_CHANNELS_OPTED_OUT', occurrence: 'opted-out-2027-06-01', raisedOn: '2027-06-01' },
    ]);
  });
});
