import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_B, startTestApi, type TestApi } from '../../support/api.ts';

/**
 * `POST /v1/loans/{loanId}/promises` on the local stack: the borrower promising in the partner's app.
 * Every answer is checked against the served OpenAPI document (`TestApi.request`).
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

let people = 0;
/** A loan of a fresh person booked today, its first installment due a month later. */
async function bookedLoan(): Promise<string> {
  people += 1;
  const idNumber = withCheckChar(`31010419930712${String(700 + people).padStart(3, '0')}`);
  const decision = await api.request('POST', '/v1/applications', {
    body: {
      ...application,
      borrowerId: `promiser-${people}`,
      applicant: { ...application.applicant, idNumber },
    },
  });
  const booked = await api.request('POST', '/v1/loans', {
    body: { applicationId: decision.body.applicationId },
  });
  expect(booked.status).toBe(201);
  return booked.body.loanId;
}

/** What one past-due installment owes now (the smallest amount a promise may be for). */
async function pastDuePart(loanId: string): Promise<number> {
  const view = await api.request('GET', `/v1/loans/${loanId}`);
  const overdue = view.body.installments.filter((i: { status: string }) => i.status === 'overdue');
  expect(overdue.length).toBeGreaterThan(0);
  return Math.min(...overdue.map((i: { outstanding: { total: number } }) => i.outstanding.total));
}

const promiseEvents = async (loanId: string) => {
  return (await api.published()).filter(
    (e) => e.type === 'PromiseToPayRecorded' && e.detail.loanId === loanId,
  );
};

describe('a partner’s promise to pay', { shuffle: false }, () => {
  let loanId: string;

  it('is refused while nothing is past due (422), writing nothing', async () => {
    loanId = await bookedLoan();
    const before = await api.itemCount();
    const res = await api.request('POST', `/v1/loans/${loanId}/promises`, {
      body: { date: '2027-07-05', amount: 10_000 },
    });
    expect(res).toMatchObject({
      status: 422,
      body: { error: 'nothing_past_due', issues: [{ path: 'amount' }] },
    });
    expect(await api.itemCount()).toBe(before);
  });

  it('refuses a malformed body with 400 and a rule-breaking one with 422, naming the field, writing nothing', async () => {
    // The first installment (due 08-01) four days past due.
    api.clock.set(new Date('2027-08-05T02:00:00.000Z'));
    const part = await pastDuePart(loanId);
    const path = `/v1/loans/${loanId}/promises`;
    const before = await api.itemCount();
    const refusals: [unknown, number, string, string?][] = [
      [{ date: '2027-8-10', amount: part }, 400, 'date'],
      [{ date: '2027-08-10', amount: 0 }, 400, 'amount'],
      [{ date: '2027-08-10' }, 400, 'amount'],
      [{ date: '2027-08-10', amount: part, extra: 1 }, 400, '(body)'],
      [{ date: '2027-08-04', amount: part }, 422, 'date', 'promise_date_past'],
      [{ date: '2027-08-20', amount: part }, 422, 'date', 'promise_date_too_far'],
      [{ date: '2027-08-10', amount: part - 1 }, 422, 'amount', 'promise_amount_too_small'],
    ];
    for (const [body, status, field, error] of refusals) {
      const res = await api.request('POST', path, { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (error) expect(res.body.error).toBe(error);
      expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    expect(await api.itemCount()).toBe(before);
  });

  it('answers another partner’s loan 404, as a missing one, writing nothing', async () => {
    const before = await api.itemCount();
    const body = { date: '2027-08-10', amount: await pastDuePart(loanId) };
    const other = await api.request('POST', `/v1/loans/${loanId}/promises`, {
      body,
      apiKey: PARTNER_B.apiKey,
    });
    const missing = await api.request('POST', '/v1/loans/no-such-loan/promises', { body });
    expect(other).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(missing.body).toEqual(other.body);
    expect(await api.itemCount()).toBe(before);
  });

  it('records the promise once under an Idempotency-Key (a retry gets the first answer), then refuses a second while it is open', async () => {
    const body = { date: '2027-08-12', amount: await pastDuePart(loanId) };
    const headers = { 'idempotency-key': `promise-${loanId}` };
    const path = `/v1/loans/${loanId}/promises`;
    const first = await api.request('POST', path, { body, headers });
    expect(first).toMatchObject({
      status: 201,
      body: { loanId, date: '2027-08-12', amount: body.amount, status: 'open', pausesLadder: true },
    });
    const retry = await api.request('POST', path, { body, headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    const reused = await api.request('POST', path, { body: { ...body, date: '2027-08-13' }, headers });
    expect(reused).toMatchObject({ status: 409, body: { error: 'idempotency_key_reused' } });

    const events = await promiseEvents(loanId);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({
      promiseId: first.body.promiseId,
      source: 'partner',
      date: '2027-08-12',
      amount: body.amount,
    });
    expect(JSON.stringify(events[0])).not.toContain(application.applicant.phone);
    const loan = await api.stack.deps.repos.loans.getLoan(loanId);
    expect(loan?.promise).toMatchObject({ promiseId: first.body.promiseId, source: 'partner' });

    const second = await api.request('POST', path, { body: { ...body, date: '2027-08-14' } });
    expect(second).toMatchObject({
      status: 422,
      body: { error: 'promise_open', issues: [{ path: 'date' }] },
    });
    expect(await promiseEvents(loanId)).toHaveLength(1);
  });
});
