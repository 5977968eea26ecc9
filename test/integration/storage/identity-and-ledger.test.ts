import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { ApplicationExists } from '#shared/errors/domain-errors.ts';
import type { ApplicationRecord, BorrowerRecord, ContactKey } from '#shared/ports/records.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repos: Repositories;

beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
});
afterAll(() => table.drop());

function borrower(partnerId: string, borrowerId: string, identityHash: string): BorrowerRecord {
  return {
    partnerId,
    borrowerId,
    identityHash,
    nameEncrypted: 'enc:name',
    phoneEncrypted: 'enc:phone',
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
    createdAt: '2027-05-01T00:00:00.000Z',
    updatedAt: '2027-05-01T00:00:00.000Z',
  };
}

describe('borrower identity across partners', () => {
  it('stores a decision with its borrower in one transaction, and a second put of it changes nothing', async () => {
    const app: ApplicationRecord = {
      applicationId: 'app-tx-1',
      partnerId: 'partner-a',
      borrowerId: 'tx-1',
      identityHash: 'tx-person',
      decision: 'approve',
      score: 640,
      grade: 'B',
      reasons: [],
      offer: null,
      modelVersion: 'test',
      inputHash: 'h',
      createdAt: '2027-05-01T00:00:00.000Z',
      expiresAt: '2027-05-08T00:00:00.000Z',
    };
    await repos.applications.put(
      app,
      repos.borrowers.upsertItems(borrower('partner-a', 'tx-1', 'tx-person')),
    );
    expect((await repos.applications.get('app-tx-1'))?.decision).toBe('approve');
    expect((await repos.borrowers.get('partner-a', 'tx-1'))?.phoneEncrypted).toBe('enc:phone');

    const changed = { ...borrower('partner-a', 'tx-1', 'tx-person'), phoneEncrypted: 'enc:second' };
    await expect(
      repos.applications.put({ ...app, decision: 'decline' }, repos.borrowers.upsertItems(changed)),
    ).rejects.toBeInstanceOf(ApplicationExists);
    expect((await repos.applications.get('app-tx-1'))?.decision).toBe('approve');
    expect((await repos.borrowers.get('partner-a', 'tx-1'))?.phoneEncrypted).toBe('enc:phone');
  });

  it('keeps preferences already set when the borrower is upserted again', async () => {
    await repos.borrowers.upsert(borrower('partner-a', 'prefs', 'h'));
    const prefs = {
      ...borrower('x', 'y', 'z').preferences,
      optOut: ['sms' as const],
      language: 'en' as const,
    };
    expect(
      await repos.borrowers.setPreferences('partner-a', 'prefs', prefs, '2027-05-02T00:00:00.000Z'),
    ).toBe(true);
    await repos.borrowers.upsert({ ...borrower('partner-a', 'prefs', 'h'), phoneEncrypted: 'enc:new' });
    const read = await repos.borrowers.get('partner-a', 'prefs');
    expect(read?.preferences.optOut).toEqual(['sms']);
    expect(read?.phoneEncrypted).toBe('enc:new');
    expect(
      await repos.borrowers.setPreferences('partner-a', 'nobody', prefs, '2027-05-02T00:00:00.000Z'),
    ).toBe(false);
  });
});

describe('contact ledger', () => {
  // Each test claims its own key (its own loan), so none depends on what another left in the ledger.
  const keyFor = (loanId: string, channel: ContactKey['channel'] = 'sms'): ContactKey => ({
    loanId,
    installmentNo: 1,
    occurrence: '2027-06-10',
    stage: 'D-3',
    channel,
  });
  const t0 = new Date('2027-06-07T01:00:00Z');

  it('lets one claim through and refuses a second while the first is live', async () => {
    const key = keyFor('ledger-live');
    expect(await repos.contacts.claim(key, t0, 60)).toBe('claimed');
    expect(await repos.contacts.claim(key, new Date(t0.getTime() + 1000), 60)).toBe('in-progress');
    expect(await repos.contacts.claim(key, new Date(t0.getTime() + 59_000), 60)).toBe('in-progress');
  });

  it('lets an unfinished claim be taken again after its lease, and refuses any claim once sent', async () => {
    const key = keyFor('ledger-lease');
    expect(await repos.contacts.claim(key, t0, 60)).toBe('claimed');
    const later = new Date(t0.getTime() + 120_000);
    expect(await repos.contacts.claim(key, later, 60)).toBe('claimed');
    await repos.contacts.markSent(key, later, 'msg-1');
    expect(await repos.contacts.claim(key, new Date(later.getTime() + 3_600_000), 60)).toBe('already-sent');
    const entry = await repos.contacts.get(key);
    expect(entry).toMatchObject({ status: 'sent', attempts: 2, messageId: 'msg-1' });
  });

  it('releases a failed attempt for an immediate retry', async () => {
    const sms = keyFor('ledger-failed');
    const email = keyFor('ledger-failed', 'email');
    expect(await repos.contacts.claim(sms, t0, 60)).toBe('claimed');
    expect(await repos.contacts.claim(email, t0, 60)).toBe('claimed');
    await repos.contacts.markFailed(email, t0, 'Throttling');
    expect(await repos.contacts.claim(email, new Date(t0.getTime() + 1), 60)).toBe('claimed');
    expect(await repos.contacts.claim(sms, new Date(t0.getTime() + 1), 60)).toBe('in-progress');
    expect((await repos.contacts.listForLoan('ledger-failed')).map((e) => e.channel).sort()).toEqual([
      'email',
      'sms',
    ]);
  });
});
