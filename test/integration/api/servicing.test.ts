import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlContactLog } from '#local/jsonl-contact-log.ts';
import { Outbox } from '#local/outbox.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { processContactJobs } from '#shared/reminders/send-contact.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import { loanViewSchema } from '#shared/schemas/servicing.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { type ApiResponse, PARTNER_B, startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

// A fresh person each time by default: a loan booked earlier and left unpaid makes its person overdue
// as the clock moves on, and the gate would decline them.
async function approvedApplication(body: object = anotherPerson()): Promise<string> {
  const res = await api.request('POST', '/v1/applications', { body });
  expect(res.body.decision).toBe('approve');
  return res.body.applicationId;
}

let people = 0;
/** Another applicant (a fresh national ID), so one person's hardship plan does not refer the next test's. */
function anotherPerson(): object {
  people += 1;
  const idNumber = withCheckChar(`31010419930712${String(people).padStart(3, '0')}`);
  return {
    ...application,
    borrowerId: `person-${people}`,
    applicant: { ...application.applicant, idNumber },
  };
}

async function bookedLoan(
  extra: object = {},
  applicant: object = anotherPerson(),
): Promise<{ loanId: string; body: ApiResponse['body'] }> {
  const applicationId = await approvedApplication(applicant);
  const res = await api.request('POST', '/v1/loans', { body: { applicationId, ...extra } });
  expect(res.status).toBe(201);
  return { loanId: res.body.loanId, body: res.body };
}

const at = (iso: string) => api.clock.set(new Date(iso));

describe('POST /v1/loans', () => {
  it('books an approved application on its offer and enters the schedule in the due index', async () => {
    at('2027-07-01T02:00:00.000Z');
    const { loanId, body } = await bookedLoan();
    expect(body).toMatchObject({
      principal: 800_000,
      termMonths: 6,
      aprBps: 1000,
      status: 'active',
      daysPastDue: 0,
      bucket: 'current',
    });
    expect(body.installments).toHaveLength(6);
    expect(body.installments[0]).toMatchObject({
      installmentNo: 1,
      dueDate: '2027-08-01',
      status: 'upcoming',
    });
    const due = await api.stack.deps.repos.dueIndex.findDueInstallments('2027-08-01');
    expect(due.installments.map((i) => i.loanId)).toContain(loanId);
    expect((await api.published()).some((e) => e.type === 'LoanBooked' && e.detail.loanId === loanId)).toBe(
      true,
    );
  });

  it('dates a loan disbursed on 2028-01-31 to the month ends', async () => {
    at('2028-01-31T02:00:00.000Z');
    const { body } = await bookedLoan({ termMonths: 3 });
    expect(body.installments.map((i: { dueDate: string }) => i.dueDate)).toEqual([
      '2028-02-29',
      '2028-03-31',
      '2028-04-30',
    ]);
    at('2027-07-01T02:00:00.000Z');
  });

  it('refuses a second booking of one application with 409', async () => {
    const applicationId = await approvedApplication();
    expect((await api.request('POST', '/v1/loans', { body: { applicationId } })).status).toBe(201);
    const again = await api.request('POST', '/v1/loans', { body: { applicationId } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('application_already_booked');
  });

  it('refuses declined applications, expired offers and terms outside the offer with 422', async () => {
    const declined = await api.request('POST', '/v1/applications', {
      body: { ...application, bureau: { ...application.bureau, inquiriesLast90Days: 9 } },
    });
    const r1 = await api.request('POST', '/v1/loans', {
      body: { applicationId: declined.body.applicationId },
    });
    expect([r1.status, r1.body.error]).toEqual([422, 'application_not_approved']);

    const applicationId = await approvedApplication();
    const r2 = await api.request('POST', '/v1/loans', { body: { applicationId, amount: 800_001 } });
    expect([r2.status, r2.body.error]).toEqual([422, 'terms_outside_offer']);
    const r3 = await api.request('POST', '/v1/loans', { body: { applicationId, aprBps: 1001 } });
    expect(r3.status).toBe(422);

    api.clock.advance(73 * 3_600_000);
    const r4 = await api.request('POST', '/v1/loans', { body: { applicationId } });
    expect([r4.status, r4.body.error]).toEqual([422, 'offer_expired']);
    at('2027-07-01T02:00:00.000Z');
  });

  it('replays a refusal to a keyed request: the retry gets the same 422, marked replayed', async () => {
    const declined = await api.request('POST', '/v1/applications', {
      body: { ...application, bureau: { ...application.bureau, inquiriesLast90Days: 9 } },
    });
    const keyed = {
      body: { applicationId: declined.body.applicationId },
      headers: { 'idempotency-key': 'book-declined-1' },
    };
    const first = await api.request('POST', '/v1/loans', keyed);
    const retry = await api.request('POST', '/v1/loans', keyed);
    expect([first.status, first.body.error, first.headers.get('idempotent-replayed')]).toEqual([
      422,
      'application_not_approved',
      null,
    ]);
    expect([retry.status, retry.body, retry.headers.get('idempotent-replayed')]).toEqual([
      422,
      first.body,
      'true',
    ]);
  });

  it("answers 404 for another partner's application and loan", async () => {
    const applicationId = await approvedApplication();
    expect(
      (await api.request('POST', '/v1/loans', { body: { applicationId }, apiKey: PARTNER_B.apiKey })).status,
    ).toBe(404);
    const { loanId } = await bookedLoan();
    expect((await api.request('GET', `/v1/loans/${loanId}`, { apiKey: PARTNER_B.apiKey })).status).toBe(404);
    const pay = { paymentId: 'x', amount: 100, paidAt: '2027-07-02T10:00:00+08:00' };
    expect(
      (await api.request('POST', `/v1/loans/${loanId}/payments`, { body: pay, apiKey: PARTNER_B.apiKey }))
        .status,
    ).toBe(404);
  });
});

describe('POST /v1/loans/{loanId}/payments', () => {
  it('applies a partial payment, reports partial arrears, and cures the loan when the rest arrives', async () => {
    at('2027-07-01T02:00:00.000Z');
    const { loanId, body } = await bookedLoan();
    const first = body.installments[0];
    at('2027-08-08T02:00:00.000Z'); // 7 days past the 2027-08-01 due date
    const partial = await api.request('POST', `/v1/loans/${loanId}/payments`, {
      body: { paymentId: 'p1', amount: 50_000, paidAt: '2027-08-08T10:00:00+08:00' },
    });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ daysPastDue: 7, cured: false, credit: 0 });
    const view = await api.request('GET', `/v1/loans/${loanId}`);
    expect(view.body).toMatchObject({
      daysPastDue: 7,
      bucket: 'M1',
      delinquency: 'delinquent',
      classification: 'partial',
    });
    expect(view.body.installments[0]).toMatchObject({ status: 'overdue', daysPastDue: 7 });
    expect(view.body.installments[1]).toMatchObject({ status: 'upcoming', daysPastDue: 0 });
    expect(loanViewSchema.parse(view.body).loanId).toBe(loanId);
    expect(view.body.installments[0].due.penalty).toBeGreaterThan(0);

    const rest = view.body.installments[0].outstanding.total;
    const cure = await api.request('POST', `/v1/loans/${loanId}/payments`, {
      body: { paymentId: 'p2', amount: rest, paidAt: '2027-08-08T11:00:00+08:00' },
    });
    expect(cure.body).toMatchObject({ daysPastDue: 0, cured: true });
    expect((await api.published()).some((e) => e.type === 'LoanCured' && e.detail.loanId === loanId)).toBe(
      true,
    );
    const due = await api.stack.deps.repos.dueIndex.findDueInstallments(first.dueDate);
    expect(due.installments.map((i) => i.loanId)).not.toContain(loanId);
  });

  it('holds what exceeds everything owed as credit and marks the loan paid off', async () => {
    at('2027-07-01T02:00:00.000Z');
    const { loanId, body } = await bookedLoan();
    const owed = body.outstanding.total;
    const res = await api.request('POST', `/v1/loans/${loanId}/payments`, {
      body: { paymentId: 'all', amount: owed + 999, paidAt: '2027-07-01T12:00:00+08:00' },
    });
    expect(res.body).toMatchObject({ credit: 999, loanStatus: 'paid_off' });
    expect((await api.request('GET', `/v1/loans/${loanId}`)).body.creditBalance).toBe(999);
  });

  it('answers a replay with the first allocation (200) and the same id with another amount with 409', async () => {
    const { loanId } = await bookedLoan();
    const body = { paymentId: 'dup', amount: 10_000, paidAt: '2027-07-02T10:00:00+08:00' };
    const first = await api.request('POST', `/v1/loans/${loanId}/payments`, { body });
    const replay = await api.request('POST', `/v1/loans/${loanId}/payments`, { body });
    expect([first.status, replay.status]).toEqual([201, 200]);
    expect(replay.body.allocations).toEqual(first.body.allocations);
    const other = await api.request('POST', `/v1/loans/${loanId}/payments`, {
      body: { ...body, amount: 10_001 },
    });
    expect([other.status, other.body.error]).toEqual([409, 'payment_id_reused']);
  });

  it('refuses zero and negative amounts with 400', async () => {
    const { loanId } = await bookedLoan();
    for (const amount of [0, -1, 1.5]) {
      const res = await api.request('POST', `/v1/loans/${loanId}/payments`, {
        body: { paymentId: `z${amount}`, amount, paidAt: '2027-07-02T10:00:00+08:00' },
      });
      expect(res.status).toBe(400);
      expect(res.body.issues[0].path).toBe('amount');
    }
  });

  it('applies many parallel payments each exactly once: applied amounts sum to what was posted', async () => {
    at('2027-07-01T02:00:00.000Z');
    const { loanId } = await bookedLoan();
    const amounts = Array.from({ length: 16 }, (_, i) => 7_000 + i * 1_313);
    const results = await Promise.all(
      amounts.map((amount, i) =>
        api.request('POST', `/v1/loans/${loanId}/payments`, {
          body: { paymentId: `par-${i}`, amount, paidAt: '2027-07-02T10:00:00+08:00' },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(amounts.map(() => 201));
    const view = (await api.request('GET', `/v1/loans/${loanId}`)).body;
    const paid = view.installments.reduce((s: number, i: { paid: { total: number } }) => s + i.paid.total, 0);
    expect(paid + view.creditBalance).toBe(amounts.reduce((a, b) => a + b, 0));
  });
});

describe('POST /v1/loans/{loanId}/hardship', () => {
  it('refers the same person at any partner while the plan is active', async () => {
    at('2027-07-01T02:00:00.000Z');
    const person = anotherPerson();
    const { loanId } = await bookedLoan({}, person);
    await api.request('POST', `/v1/loans/${loanId}/hardship`, {
      body: { reason: 'illness', deferralDays: 5 },
    });
    const res = await api.request('POST', '/v1/applications', { body: person, apiKey: PARTNER_B.apiKey });
    expect([res.body.decision, res.body.reasons[0].code]).toEqual(['refer', 'HARDSHIP_ACTIVE']);
    api.clock.advance(6 * 86_400_000); // the 5-day plan has ended
    const after = await api.request('POST', '/v1/applications', { body: person, apiKey: PARTNER_B.apiKey });
    expect(after.body.decision).toBe('approve');
    at('2027-07-01T02:00:00.000Z');
  });

  it('grants an illness deferral, moves the unpaid due dates and their index entries, and audits it', async () => {
    at('2027-07-01T02:00:00.000Z');
    const { loanId, body } = await bookedLoan({}, anotherPerson());
    const res = await api.request('POST', `/v1/loans/${loanId}/hardship`, {
      body: { reason: 'illness', deferralDays: 20 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'granted',
      deferralDays: 20,
      startsOn: '2027-07-01',
      endsOn: '2027-07-20',
    });
    const view = (await api.request('GET', `/v1/loans/${loanId}`)).body;
    expect(view.installments[0].dueDate).toBe('2027-08-21');
    expect(view.hardshipPlan.planId).toBe(res.body.planId);
    const oldDay = await api.stack.deps.repos.dueIndex.findDueInstallments(body.installments[0].dueDate);
    const newDay = await api.stack.deps.repos.dueIndex.findDueInstallments('2027-08-21');
    expect(oldDay.installments.map((i) => i.loanId)).not.toContain(loanId);
    expect(newDay.installments.map((i) => i.loanId)).toContain(loanId);
    expect(
      (await api.published()).some((e) => e.type === 'HardshipGranted' && e.detail.loanId === loanId),
    ).toBe(true);
  });

  it('refers a reason outside the auto-grant list and a second deferral within 12 months (202)', async () => {
    const { loanId } = await bookedLoan({}, anotherPerson());
    const other = await api.request('POST', `/v1/loans/${loanId}/hardship`, {
      body: { reason: 'other', deferralDays: 10 },
    });
    expect([other.status, other.body.status, other.body.referralReasons]).toEqual([
      202,
      'referred',
      ['REASON_NEEDS_REVIEW'],
    ]);
    await api.request('POST', `/v1/loans/${loanId}/hardship`, {
      body: { reason: 'epidemic', deferralDays: 10 },
    });
    const again = await api.request('POST', `/v1/loans/${loanId}/hardship`, {
      body: { reason: 'illness', deferralDays: 10 },
    });
    expect([again.status, again.body.referralReasons]).toEqual([202, ['RECENT_DEFERRAL']]);
  });

  it('refuses a plan longer than 30 days with 422', async () => {
    const { loanId } = await bookedLoan({}, anotherPerson());
    const res = await api.request('POST', `/v1/loans/${loanId}/hardship`, {
      body: { reason: 'illness', deferralDays: 31 },
    });
    expect([res.status, res.body.error]).toEqual([422, 'deferral_too_long']);
  });
});

describe('PUT /v1/borrowers/{borrowerId}/contact-preferences', () => {
  const prefs = {
    language: 'en',
    timezone: 'America/New_York',
    optOut: ['sms'],
    consents: {
      contactBySms: true,
      contactByEmail: true,
      shareWithCollectionAgencies: false,
      sensitiveData: true,
    },
  };

  it('stores preferences for the next contact decision', async () => {
    await approvedApplication(application);
    const res = await api.request('PUT', '/v1/borrowers/alpha-user-42/contact-preferences', { body: prefs });
    expect(res.status).toBe(200);
    const stored = await api.stack.deps.repos.borrowers.get('partner-a', 'alpha-user-42');
    expect(stored?.preferences).toEqual(prefs);
  });

  it('changes every consent flag', async () => {
    await approvedApplication(application);
    const flags = ['contactBySms', 'contactByEmail', 'shareWithCollectionAgencies', 'sensitiveData'] as const;
    for (const value of [false, true]) {
      const consents = Object.fromEntries(flags.map((f) => [f, value]));
      const res = await api.request('PUT', '/v1/borrowers/alpha-user-42/contact-preferences', {
        body: { ...prefs, consents },
      });
      expect([res.status, res.body.consents]).toEqual([200, consents]);
      const stored = await api.stack.deps.repos.borrowers.get('partner-a', 'alpha-user-42');
      expect(stored?.preferences.consents).toEqual(consents);
    }
  });

  it('refuses preferences without a consent flag with 400 naming it, and changes nothing', async () => {
    await approvedApplication(application);
    const before = await api.stack.deps.repos.borrowers.get('partner-a', 'alpha-user-42');
    const { contactByEmail: _omit, ...consents } = prefs.consents;
    const res = await api.request('PUT', '/v1/borrowers/alpha-user-42/contact-preferences', {
      body: { ...prefs, consents },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['consents.contactByEmail']);
    expect(await api.stack.deps.repos.borrowers.get('partner-a', 'alpha-user-42')).toEqual(before);
  });

  it('a consent withdrawn by PUT suppresses the next contact on that channel with no_consent', async () => {
    at('2027-07-01T02:00:00.000Z');
    const person = anotherPerson() as { borrowerId: string };
    const { loanId } = await bookedLoan({}, person);
    const path = `/v1/borrowers/${person.borrowerId}/contact-preferences`;
    const withdrawn = {
      language: 'zh-CN',
      timezone: 'Asia/Shanghai',
      optOut: [],
      consents: { ...prefs.consents, contactBySms: false, contactByEmail: true },
    };
    expect((await api.request('PUT', path, { body: withdrawn })).status).toBe(200);

    at('2027-07-29T02:00:00.000Z'); // 10:00 in Shanghai, three days before the first due date
    const job = (channel: 'sms' | 'email'): ContactJob => ({
      jobId: `consent-${channel}`,
      businessDate: '2027-07-29',
      partnerId: 'partner-a',
      borrowerId: person.borrowerId,
      stage: 'D-3',
      offsetDays: -3,
      channel,
      items: [{ loanId, installmentNo: 1, dueDate: '2027-08-01' }],
    });
    const outbox = new Outbox();
    const log = new JsonlContactLog();
    const { deps } = api.stack;
    const sender = { ...deps, sender: outbox, log, events: new RecordingEventBus(), clock: api.clock };
    const outcomes = await processContactJobs(sender, [job('sms'), job('email')]);
    expect(outcomes).toEqual([
      { kind: 'done', sent: 0 },
      { kind: 'done', sent: 1 },
    ]);
    expect(outbox.accepted.map((m) => m.channel)).toEqual(['email']);
    expect(log.lines.map((l) => [l.channel, l.status, l.reason])).toEqual([
      ['sms', 'suppressed', 'no_consent'],
      ['email', 'sent', undefined],
    ]);
    const key = { loanId, installmentNo: 1, occurrence: '2027-08-01', stage: 'D-3', channel: 'sms' as const };
    expect(await deps.repos.contacts.get(key)).toMatchObject({ status: 'suppressed', failure: 'no_consent' });
  });

  it('refuses unknown time zones and channels with the field path', async () => {
    const res = await api.request('PUT', '/v1/borrowers/alpha-user-42/contact-preferences', {
      body: { ...prefs, timezone: 'Mars/Olympus', optOut: ['fax'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['optOut.0', 'timezone']);
  });

  it("answers 404 for an unknown borrower and for another partner's borrower", async () => {
    expect(
      (await api.request('PUT', '/v1/borrowers/nobody/contact-preferences', { body: prefs })).status,
    ).toBe(404);
    const res = await api.request('PUT', '/v1/borrowers/alpha-user-42/contact-preferences', {
      body: prefs,
      apiKey: PARTNER_B.apiKey,
    });
    expect(res.status).toBe(404);
  });
});
