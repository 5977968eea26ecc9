import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { openApiDocument } from '#shared/schemas/openapi.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { type ApiResponse, PARTNER_A, PARTNER_B, startTestApi, type TestApi } from '../../support/api.ts';
import { malformedApplication, malformedOtherWrite } from '../../support/malformed-requests.ts';

/**
 * The partner contract: every answer of every route, successes and each documented error, checked
 * against the schema the served OpenAPI document gives for its status (Ajv, JSON Schema 2020-12).
 * `TestApi.request` does the checking (so every HTTP test checks its answers too); this file drives a
 * partner journey and the generated malformed requests through every route, then asks that every
 * status the document names was seen, except those the local stack cannot produce.
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

let people = 0;
/** A fresh applicant (own national ID and borrowerId), so one person's plan or loan does not touch the next. */
function person(): { borrowerId: string } & typeof application {
  people += 1;
  return {
    ...application,
    borrowerId: `contract-${people}`,
    applicant: {
      ...application.applicant,
      idNumber: withCheckChar(`31010419930712${String(people).padStart(3, '0')}`),
    },
  };
}

function expectStatus(res: ApiResponse, status: number, error?: string): ApiResponse {
  expect([res.status, res.body?.error]).toEqual([status, error ?? res.body?.error]);
  return res;
}

/** The answer to a request `fetch` will not send (a GET with a body), checked against the document too. */
function rawRequest(method: string, path: string, body: string): Promise<ApiResponse> {
  const url = new URL(path, api.stack.url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      url,
      {
        method,
        headers: {
          'x-api-key': PARTNER_A.apiKey,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          const status = res.statusCode ?? 0;
          const problems = api.contract.check({ method, path, status, headers, body: text });
          if (problems.length > 0) reject(new Error(problems.join('\n')));
          else resolve({ status, headers, body: JSON.parse(text) });
        });
      },
    );
    // The server answers 413 before it has read the whole body and closes: the write may then fail.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}

const prefs = {
  language: 'zh-CN',
  timezone: 'Asia/Shanghai',
  optOut: ['email'],
  consents: {
    contactBySms: true,
    contactByEmail: true,
    shareWithCollectionAgencies: false,
    sensitiveData: true,
  },
};
const oversized = JSON.stringify({ pad: 'x'.repeat(200 * 1024) });

// One journey through the API, then what it saw: its steps build on each other, so they keep their order
// (vitest shuffles everything else).
describe('the partner contract', { shuffle: false }, () => {
  describe('the OpenAPI document', () => {
    it('is served as generated from the zod schemas', async () => {
      const res = await api.request('GET', '/v1/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    });

    it('marks the body of every route that refuses a request without one as required', async () => {
      const doc = openApiDocument();
      // The partner routes (api.request sends a partner key); the ops routes' 415 is in ops-desk.test.ts.
      const partnerPaths = Object.entries(doc.paths ?? {}).filter(([path]) => !path.startsWith('/v1/ops/'));
      const withBodies = partnerPaths.flatMap(([path, item]) =>
        (['post', 'put'] as const).flatMap((method) => {
          const op = item[method];
          return op ? [{ method: method.toUpperCase(), path, op }] : [];
        }),
      );
      expect(withBodies).toHaveLength(7);
      for (const { method, path, op } of withBodies) {
        const concrete = path.replace(/\{\w+\}/g, 'some-id');
        const res = await api.request(method, concrete, { headers: { 'content-type': 'text/plain' } });
        expect(res.status, `${method} ${path} without a body`).toBe(415);
        const body = op.requestBody;
        expect(body && 'required' in body && body.required, `${method} ${path} requestBody.required`).toBe(
          true,
        );
      }
    });
  });

  describe('a partner journey, every answer as documented', () => {
    let applicationId = '';
    let loanId = '';
    let borrowerId = '';

    it('scores, replays the score, and refuses the key with another body', async () => {
      const body = person();
      borrowerId = body.borrowerId;
      const headers = { 'idempotency-key': 'journey-score' };
      const scored = expectStatus(await api.request('POST', '/v1/applications', { body, headers }), 201);
      applicationId = scored.body.applicationId;
      expect(scored.body.decision).toBe('approve');
      const replay = expectStatus(await api.request('POST', '/v1/applications', { body, headers }), 201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const other = { ...body, request: { ...body.request, amount: 500_000 } };
      expectStatus(await api.request('POST', '/v1/applications', { body: other, headers }), 409);
      const stranger = { ...person(), borrowerId };
      expectStatus(
        await api.request('POST', '/v1/applications', { body: stranger }),
        409,
        'borrower_identity_mismatch',
      );
    });

    it('reads the decision; another partner, and a bad id, do not', async () => {
      expectStatus(await api.request('GET', `/v1/applications/${applicationId}`), 200);
      expectStatus(
        await api.request('GET', `/v1/applications/${applicationId}`, { apiKey: PARTNER_B.apiKey }),
        404,
      );
      expectStatus(await api.request('GET', '/v1/applications/bad%20id'), 400);
    });

    it('books the loan once, and refuses unknown, declined and twice-booked applications', async () => {
      const headers = { 'idempotency-key': 'journey-book' };
      const booked = expectStatus(
        await api.request('POST', '/v1/loans', { body: { applicationId }, headers }),
        201,
      );
      loanId = booked.body.loanId;
      const replay = expectStatus(
        await api.request('POST', '/v1/loans', { body: { applicationId }, headers }),
        201,
      );
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expectStatus(
        await api.request('POST', '/v1/loans', { body: { applicationId } }),
        409,
        'application_already_booked',
      );
      expectStatus(await api.request('POST', '/v1/loans', { body: { applicationId: 'app_none' } }), 404);
      expectStatus(
        await api.request('POST', '/v1/loans', { body: { applicationId }, apiKey: PARTNER_B.apiKey }),
        404,
      );
      const declined = await api.request('POST', '/v1/applications', {
        body: { ...person(), bureau: { ...application.bureau, inquiriesLast90Days: 9 } },
      });
      expect(declined.body.decision).toBe('decline');
      expectStatus(
        await api.request('POST', '/v1/loans', { body: { applicationId: declined.body.applicationId } }),
        422,
        'application_not_approved',
      );
      expectStatus(await api.request('POST', '/v1/loans', { body: {} }), 400);
    });

    it('reads the loan; another partner and a bad id do not', async () => {
      const loan = expectStatus(await api.request('GET', `/v1/loans/${loanId}`), 200);
      expect(loan.body.installments).toHaveLength(6);
      expectStatus(await api.request('GET', `/v1/loans/${loanId}`, { apiKey: PARTNER_B.apiKey }), 404);
      expectStatus(await api.request('GET', '/v1/loans/bad%20id'), 400);
    });

    it('pays, replays the payment both ways, and refuses the paymentId with another amount', async () => {
      api.clock.set(new Date('2027-08-01T04:00:00.000Z'));
      const path = `/v1/loans/${loanId}/payments`;
      const pay = { paymentId: 'journey-p1', amount: 100_000, paidAt: '2027-08-01T12:00:00+08:00' };
      const headers = { 'idempotency-key': 'journey-pay' };
      expectStatus(await api.request('POST', path, { body: pay, headers }), 201);
      const keyed = expectStatus(await api.request('POST', path, { body: pay, headers }), 201);
      expect(keyed.headers.get('idempotent-replayed')).toBe('true');
      expectStatus(await api.request('POST', path, { body: pay }), 200);
      expectStatus(
        await api.request('POST', path, { body: { ...pay, amount: 100_001 } }),
        409,
        'payment_id_reused',
      );
      expectStatus(await api.request('POST', path, { body: pay, apiKey: PARTNER_B.apiKey }), 404);
      expectStatus(await api.request('POST', '/v1/loans/loan_none/payments', { body: pay }), 404);
      expectStatus(await api.request('POST', path, { body: { ...pay, amount: 0 } }), 400);
    });

    it('asks for hardship: granted, referred, over the limit, and not on another partner’s loan', async () => {
      const path = `/v1/loans/${loanId}/hardship`;
      expectStatus(await api.request('POST', path, { body: { reason: 'illness', deferralDays: 31 } }), 422);
      expectStatus(
        await api.request('POST', path, {
          body: { reason: 'illness', deferralDays: 10 },
          apiKey: PARTNER_B.apiKey,
        }),
        404,
      );
      const granted = expectStatus(
        await api.request('POST', path, {
          body: { reason: 'illness', deferralDays: 10 },
          headers: { 'idempotency-key': 'journey-hardship' },
        }),
        201,
      );
      expect(granted.body.status).toBe('granted');
      const replay = expectStatus(
        await api.request('POST', path, {
          body: { reason: 'illness', deferralDays: 10 },
          headers: { 'idempotency-key': 'journey-hardship' },
        }),
        201,
      );
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expectStatus(
        await api.request('POST', path, {
          body: { reason: 'illness', deferralDays: 11 },
          headers: { 'idempotency-key': 'journey-hardship' },
        }),
        409,
        'idempotency_key_reused',
      );
      const referred = expectStatus(
        await api.request('POST', path, { body: { reason: 'other', deferralDays: 10 } }),
        202,
      );
      expect(referred.body.status).toBe('referred');
      const view = expectStatus(await api.request('GET', `/v1/loans/${loanId}`), 200);
      expect(view.body.hardshipPlan).not.toBeNull();
    });

    it('stores contact preferences; unknown and another partner’s borrowers answer 404', async () => {
      const path = `/v1/borrowers/${borrowerId}/contact-preferences`;
      const stored = expectStatus(await api.request('PUT', path, { body: prefs }), 200);
      expect(stored.body).toEqual({ borrowerId, ...prefs });
      expectStatus(await api.request('PUT', path, { body: prefs, apiKey: PARTNER_B.apiKey }), 404);
      expectStatus(
        await api.request('PUT', '/v1/borrowers/nobody/contact-preferences', { body: prefs }),
        404,
      );
      expectStatus(await api.request('PUT', path, { body: { ...prefs, timezone: 'Mars/Olympus' } }), 400);
    });

    it('records a promise to pay on a past-due loan, replays it, and refuses it on another partner’s loan or outside the rules', async () => {
      const path = `/v1/loans/${loanId}/promises`;
      const body = { date: '2027-07-05', amount: 10_000 };
      expectStatus(await api.request('POST', path, { body }), 422, 'nothing_past_due');
      const decision = await api.request('POST', '/v1/applications', { body: person() });
      const booked = await api.request('POST', '/v1/loans', {
        body: { applicationId: decision.body.applicationId },
      });
      const today = api.clock.now();
      // A month and a few days on: the new loan's first installment is past due.
      api.clock.set(new Date(today.getTime() + 35 * 86_400_000));
      try {
        const pastDuePath = `/v1/loans/${booked.body.loanId}/promises`;
        const view = await api.request('GET', `/v1/loans/${booked.body.loanId}`);
        const owed = view.body.installments[0].outstanding.total;
        const inThreeDays = localDateOf(
          new Date(api.clock.now().getTime() + 3 * 86_400_000),
          'Asia/Shanghai',
        );
        const promise = { date: inThreeDays, amount: owed };
        const headers = { 'idempotency-key': 'journey-promise' };
        expectStatus(
          await api.request('POST', pastDuePath, { body: promise, apiKey: PARTNER_B.apiKey }),
          404,
        );
        expectStatus(await api.request('POST', pastDuePath, { body: { ...promise, amount: 1 } }), 422);
        expectStatus(await api.request('POST', pastDuePath, { body: { ...promise, date: 'soon' } }), 400);
        expectStatus(await api.request('POST', pastDuePath, { body: promise, headers }), 201);
        const replay = expectStatus(await api.request('POST', pastDuePath, { body: promise, headers }), 201);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expectStatus(
          await api.request('POST', pastDuePath, { body: { ...promise, amount: owed + 1 }, headers }),
          409,
          'idempotency_key_reused',
        );
      } finally {
        api.clock.set(today);
      }
    });

    it('answers 401 without a key and 413 over the body limit, on every route', async () => {
      const routes: [string, string][] = [
        ['POST', '/v1/applications'],
        ['GET', `/v1/applications/${applicationId}`],
        ['POST', '/v1/loans'],
        ['GET', `/v1/loans/${loanId}`],
        ['POST', `/v1/loans/${loanId}/payments`],
        ['POST', `/v1/loans/${loanId}/hardship`],
        ['POST', `/v1/loans/${loanId}/promises`],
        ['PUT', `/v1/borrowers/${borrowerId}/contact-preferences`],
        ['GET', '/v1/openapi.json'],
      ];
      for (const [method, path] of routes) {
        expectStatus(await api.request(method, path, { apiKey: null }), 401, 'unauthorized');
        const tooLarge =
          method === 'GET'
            ? await rawRequest(method, path, oversized)
            : await api.request(method, path, { rawBody: oversized });
        expectStatus(tooLarge, 413, 'payload_too_large');
      }
    });
  });

  describe('the generated malformed requests, every answer as documented', () => {
    it('answers malformed applications as the document says', async () => {
      await fc.assert(
        fc.asyncProperty(malformedApplication, async ({ options }) => {
          const res = await api.request('POST', '/v1/applications', options);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: 400, seed: 17 },
      );
    });

    it('answers malformed loan, payment, hardship and preference requests as the document says', async () => {
      await fc.assert(
        fc.asyncProperty(malformedOtherWrite, async ({ route, options }) => {
          const res = await api.request(route.method, route.path, options);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }),
        { numRuns: 400, seed: 17 },
      );
    });
  });

  describe('coverage', () => {
    it('saw every status the document names, but the throttle (429) and a failure on our side (500)', () => {
      // The ops routes' statuses are covered by their own suites (ops-*.test.ts), the supervisor actions'
      // by ops-supervisor.test.ts, and the review requests' by decision-reviews.test.ts.
      const unseen = api.contract
        .documented()
        .filter(
          (entry) =>
            !entry.startsWith('ops') &&
            !entry.startsWith('supervisor') &&
            !entry.startsWith('requestDecisionReview'),
        )
        .filter((entry) => !api.contract.seen.has(entry))
        .filter((entry) => !/ (429|500)$/.test(entry));
      expect(unseen).toEqual([]);
      const fiveHundreds = [...api.contract.seen.keys()].filter((entry) => / 5\d\d$/.test(entry));
      expect(fiveHundreds).toEqual([]);
    });
  });
});
