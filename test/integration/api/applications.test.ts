import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsRouteTable, routeTable } from '#shared/http/route-table.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { applicationRequestSchema, decisionSchema } from '#shared/schemas/applications.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_B, startTestApi, type TestApi } from '../../support/api.ts';
import { decisionOf, testKey } from '../../support/scoring.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

const withId = (idNumber: string, borrowerId?: string) => ({
  ...application,
  borrowerId,
  applicant: {
    ...application.applicant,
    idNumber,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
  },
});

describe('POST /v1/applications', () => {
  it('answers 201 with a decision in the contract shape and stores it for GET', async () => {
    const res = await api.request('POST', '/v1/applications', { body: application });
    expect(res.status).toBe(201);
    const decision = decisionSchema.parse(res.body);
    expect(decision).toMatchObject({ borrowerId: 'alpha-user-42', decision: 'approve', grade: 'A' });
    expect(decision.offer?.aprBps).toBeLessThanOrEqual(2400);
    expect(res.headers.get('location')).toBe(`/v1/applications/${decision.applicationId}`);

    const again = await api.request('GET', `/v1/applications/${decision.applicationId}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(decision);
  });

  it('writes no personal data in the clear and publishes ApplicationScored without it', async () => {
    const res = await api.request('POST', '/v1/applications', { body: application });
    const stored = await api.stack.deps.repos.borrowers.get('partner-a', 'alpha-user-42');
    const text = JSON.stringify(stored) + JSON.stringify(await api.published());
    for (const secret of [
      application.applicant.idNumber,
      application.applicant.phone,
      application.applicant.email,
      application.applicant.name,
    ]) {
      expect(text).not.toContain(secret);
    }
    const event = (await api.published()).find((e) => e.detail.applicationId === res.body.applicationId);
    expect(event).toMatchObject({
      type: 'ApplicationScored',
      detail: { partnerId: 'partner-a', decision: 'approve', grade: 'A' },
    });
    expect(Array.isArray(event?.detail.codes)).toBe(true);
  });

  it('moves the inbound-SMS lookup to the new number when a borrower applies with another phone', async () => {
    const { borrowers } = api.stack.deps.repos;
    const hash = (phone: string) => api.stack.deps.keys.hashPhone(phone);
    const body = (phone: string) => ({
      ...withId('110101199003074477', 'moving-borrower'),
      applicant: { ...withId('110101199003074477').applicant, phone },
    });
    expect((await api.request('POST', '/v1/applications', { body: body('+8613900000001') })).status).toBe(
      201,
    );
    expect(await borrowers.findByPhoneHash(hash('+8613900000001'))).toHaveLength(1);
    expect((await api.request('POST', '/v1/applications', { body: body('+8613900000002') })).status).toBe(
      201,
    );
    expect(await borrowers.findByPhoneHash(hash('+8613900000001'))).toEqual([]);
    expect(await borrowers.findByPhoneHash(hash('+8613900000002'))).toEqual([
      { partnerId: 'partner-a', borrowerId: 'moving-borrower' },
    ]);
  });

  it('answers reasons in Chinese when Accept-Language prefers it', async () => {
    const body = { ...application, bureau: { ...application.bureau, inquiriesLast90Days: 9 } };
    const res = await api.request('POST', '/v1/applications', {
      body,
      headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
    });
    expect(res.body.decision).toBe('decline');
    expect(res.body.reasons[0]).toEqual({ code: 'INQUIRY_VELOCITY', text: '近90天征信查询次数过多。' });
  });

  it('assigns a borrowerId when the partner sends none', async () => {
    const { borrowerId: _omit, ...body } = application;
    const res = await api.request('POST', '/v1/applications', { body });
    expect(res.status).toBe(201);
    expect(res.body.borrowerId).toMatch(/^b_/);
  });
});

describe('consents', () => {
  const FLAGS = ['contactBySms', 'contactByEmail', 'shareWithCollectionAgencies', 'sensitiveData'] as const;
  const pathsOf = (res: { body: { issues: { path: string }[] } }) => res.body.issues.map((i) => i.path);

  it('refuses an application without consents with 400 naming consents, and writes nothing', async () => {
    const { consents: _omit, ...body } = application;
    const before = await api.itemCount();
    const res = await api.request('POST', '/v1/applications', { body });
    expect(res.status).toBe(400);
    expect(pathsOf(res)).toEqual(['consents']);
    expect(await api.itemCount()).toBe(before);
  });

  it.each(FLAGS)('refuses an application without consents.%s with 400 naming that flag', async (flag) => {
    const consents: Record<string, boolean> = { ...application.consents };
    delete consents[flag];
    const res = await api.request('POST', '/v1/applications', { body: { ...application, consents } });
    expect(res.status).toBe(400);
    expect(pathsOf(res)).toEqual([`consents.${flag}`]);
  });

  it('refuses a consent that is not an explicit boolean, and a flag it does not know', async () => {
    const consents = { ...application.consents, contactBySms: 'yes', contactByEmail: null, marketing: true };
    const res = await api.request('POST', '/v1/applications', { body: { ...application, consents } });
    expect(res.status).toBe(400);
    expect(pathsOf(res).sort()).toEqual(['consents', 'consents.contactByEmail', 'consents.contactBySms']);
  });

  it('stores the consents on the borrower, each as given', async () => {
    const consents = {
      contactBySms: false,
      contactByEmail: true,
      shareWithCollectionAgencies: true,
      sensitiveData: true,
    };
    const body = { ...withId('110101198507160016', 'consenting'), consents };
    expect((await api.request('POST', '/v1/applications', { body })).status).toBe(201);
    const stored = await api.stack.deps.repos.borrowers.get('partner-a', 'consenting');
    expect(stored?.preferences.consents).toEqual(consents);
  });

  it("replaces a returning borrower's consents with a later application's; the PUT preferences are kept", async () => {
    const first = withId('110101198507160016', 'returning');
    await api.request('POST', '/v1/applications', { body: first });
    const prefs = {
      language: 'en',
      timezone: 'Asia/Hong_Kong',
      optOut: ['email'],
      consents: { ...application.consents, contactByEmail: false },
    };
    await api.request('PUT', '/v1/borrowers/returning/contact-preferences', { body: prefs });
    const consents = {
      contactBySms: false,
      contactByEmail: true,
      shareWithCollectionAgencies: true,
      sensitiveData: true,
    };
    expect((await api.request('POST', '/v1/applications', { body: { ...first, consents } })).status).toBe(
      201,
    );
    const stored = await api.stack.deps.repos.borrowers.get('partner-a', 'returning');
    expect(stored?.preferences).toEqual({ ...prefs, consents });
  });
});

describe('the overdue gate across partners', () => {
  it('declines at partner B from 00:00 on D+1 with no sweep run, and approves once partner A’s payment commits', async () => {
    const idNumber = '110101199003071233';
    api.clock.set(new Date('2027-03-01T02:00:00.000Z'));
    const atA = await api.request('POST', '/v1/applications', { body: withId(idNumber, 'a-person') });
    expect(atA.body.decision).toBe('approve');
    const booked = await api.request('POST', '/v1/loans', {
      body: { applicationId: atA.body.applicationId },
    });
    expect(booked.status).toBe(201);
    const first = booked.body.installments[0];
    const askAtB = () =>
      api.request('POST', '/v1/applications', {
        body: withId(idNumber, 'b-person'),
        apiKey: PARTNER_B.apiKey,
      });

    // 23:59 on the due date in Shanghai: not yet overdue.
    api.clock.set(new Date(`${first.dueDate}T15:59:00.000Z`));
    expect((await askAtB()).body.decision).toBe('approve');
    // 00:00:30 on D+1: overdue at once, nothing but the identity item read.
    api.clock.set(new Date(`${first.dueDate}T16:00:30.000Z`));
    const declined = await askAtB();
    expect(declined.body.decision).toBe('decline');
    expect(declined.body.reasons[0].code).toBe('OVERDUE_EXISTING');

    const paid = await api.request('POST', `/v1/loans/${booked.body.loanId}/payments`, {
      // A day's penalty may have accrued: a little more than the installment, the rest goes forward.
      body: {
        paymentId: 'pay-gate-1',
        amount: first.outstanding.total + 10_000,
        paidAt: api.clock.now().toISOString(),
      },
    });
    expect(paid.status).toBe(201);
    expect((await askAtB()).body.decision).toBe('approve');
  });
});

describe('partner isolation', () => {
  it("answers 404 for another partner's application, the same as for a missing one", async () => {
    const created = await api.request('POST', '/v1/applications', { body: application });
    const other = await api.request('GET', `/v1/applications/${created.body.applicationId}`, {
      apiKey: PARTNER_B.apiKey,
    });
    const missing = await api.request('GET', '/v1/applications/app_missing', { apiKey: PARTNER_B.apiKey });
    expect(other.status).toBe(404);
    expect(other.body).toEqual(missing.body);
  });

  it('refuses a borrowerId the partner already uses for another person', async () => {
    await api.request('POST', '/v1/applications', { body: withId('110101199003071233', 'shared-id') });
    const res = await api.request('POST', '/v1/applications', {
      body: withId('110101198507160016', 'shared-id'),
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('borrower_identity_mismatch');
  });
});

describe('idempotency', () => {
  it('returns the first answer to a retry with the same key and body', async () => {
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await api.request('POST', '/v1/applications', { body: application, headers });
    const count = await api.itemCount();
    const second = await api.request('POST', '/v1/applications', { body: application, headers });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await api.itemCount()).toBe(count);
  });

  it('answers 409 to the same key with another body', async () => {
    const headers = { 'idempotency-key': 'retry-2' };
    await api.request('POST', '/v1/applications', { body: application, headers });
    const other = { ...application, request: { ...application.request, amount: 500_000 } };
    const res = await api.request('POST', '/v1/applications', { body: other, headers });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('idempotency_key_reused');
  });

  it('decides in two round trips to the table: one read and one transaction', async () => {
    const from = api.tableCalls.length;
    const res = await api.request('POST', '/v1/applications', {
      body: withId('110101199003074477', 'two-trips'),
      headers: { 'idempotency-key': 'two-trips-1' },
    });
    expect(res.status).toBe(201);
    const calls = api.tableCalls.slice(from).filter((c) => c.function === 'applications');
    expect(calls.map((c) => c.command)).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    // The answer, the decision and its event committed together: a retry is a replay.
    const retry = await api.request('POST', '/v1/applications', {
      body: withId('110101199003074477', 'two-trips'),
      headers: { 'idempotency-key': 'two-trips-1' },
    });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(res.body);
  });

  it('gives concurrent requests with one key one decision, one event, and each the same answer', async () => {
    const body = withId('110101199003074477', 'at-once');
    const headers = { 'idempotency-key': 'at-once-1' };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api.request('POST', '/v1/applications', { body, headers })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const first = answers[0]?.body;
    for (const a of answers) expect(a.body).toEqual(first);
    const scored = (await api.published()).filter((e) => e.detail.applicationId === first.applicationId);
    expect(scored.map((e) => e.type)).toEqual(['ApplicationScored']);
  });

  it('stores a refusal under its key: the retry gets it again, marked as a replay', async () => {
    // The borrower 'refused' is first this person; then the partner sends another ID for it.
    const known = await api.request('POST', '/v1/applications', {
      body: withId('110101199003074477', 'refused'),
    });
    expect(known.status).toBe(201);
    const mismatch = withId('110101199003074477', 'refused');
    const other = {
      ...mismatch,
      applicant: { ...mismatch.applicant, idNumber: withCheckChar('11010119900307651') },
    };
    other.applicant.birthDate = '1990-03-07';
    const headers = { 'idempotency-key': 'refused-1' };
    const refused = await api.request('POST', '/v1/applications', { body: other, headers });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('borrower_identity_mismatch');
    const again = await api.request('POST', '/v1/applications', { body: other, headers });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(refused.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('treats a key reused after its record expired as a new request', async () => {
    const body = applicationRequestSchema.parse(withId('110101199003074477', 'reuses-keys'));
    const started = api.clock.now();
    const first = await decisionOf(api.stack.deps, 'partner-a', body, 'en', testKey('reused-1'));
    api.clock.advance(25 * 3_600_000);
    try {
      const later = await decisionOf(api.stack.deps, 'partner-a', body, 'en', testKey('reused-1'));
      expect(later.applicationId).not.toBe(first.applicationId);
      expect(later.createdAt).not.toBe(first.createdAt);
    } finally {
      api.clock.set(started);
    }
  });

  it('keeps keys apart per partner', async () => {
    const headers = { 'idempotency-key': 'same-key' };
    const a = await api.request('POST', '/v1/applications', { body: application, headers });
    const b = await api.request('POST', '/v1/applications', {
      body: application,
      headers,
      apiKey: PARTNER_B.apiKey,
    });
    expect(b.status).toBe(201);
    expect(b.body.applicationId).not.toBe(a.body.applicationId);
  });
});

describe('GET /v1/openapi.json', () => {
  it('documents every route of the route table with its schemas', async () => {
    const res = await api.request('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...Object.values(routeTable).flat(), ...opsRouteTable.ops].sort());
    expect(res.body.components.schemas.ApplicationRequest.required).toEqual(
      expect.arrayContaining(['applicant', 'bureau', 'request']),
    );
  });
});
