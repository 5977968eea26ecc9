import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_A, startTestApi, type TestApi } from '../../support/api.ts';
import { clone, malformedApplication, malformedOtherWrite, setAt } from '../../support/malformed-requests.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

describe('bad input', () => {
  it('answers thousands of malformed requests with a 4xx in the error contract and writes nothing', async () => {
    const before = await api.itemCount();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformedApplication, async ({ options }) => {
        const res = await api.request('POST', '/v1/applications', options);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.error).toBe('string');
        expect(typeof res.body.message).toBe('string');
      }),
      { numRuns: 2500, seed: 20261124 },
    );
    expect(await api.itemCount()).toBe(before);
    expect([...statuses.keys()].sort()).toEqual([400, 401, 413, 415]);
  }, 120_000);

  it('names the field path of each problem', async () => {
    const body = setAt(setAt(clone(), ['applicant', 'phone'], '12345'), ['request', 'amount'], -5);
    const res = await api.request('POST', '/v1/applications', { body });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'applicant.phone',
      'request.amount',
    ]);
  });

  it('never echoes personal data back in an error', async () => {
    const body = setAt(clone(), ['applicant', 'idNumber'], '310104199307122359');
    const res = await api.request('POST', '/v1/applications', { body });
    expect(JSON.stringify(res.body)).not.toContain('310104199307122359');
  });

  it('answers a missing key and an unknown key with 401', async () => {
    expect((await api.request('GET', '/v1/openapi.json', { apiKey: null })).status).toBe(401);
    expect((await api.request('GET', '/v1/openapi.json', { apiKey: `${PARTNER_A.apiKey}x` })).status).toBe(
      401,
    );
  });
});

describe('bad input on every other write route', () => {
  it('answers malformed loan, payment, hardship and preference requests with 400, 401 or 415, and writes nothing', async () => {
    await api.request('POST', '/v1/applications', { body: application });
    const before = await api.itemCount();
    await fc.assert(
      fc.asyncProperty(malformedOtherWrite, async ({ route, options }) => {
        const res = await api.request(route.method, route.path, options);
        // Refused before anything is looked up: the ids do not exist, so a body that slipped through
        // validation would answer 404 (or 422), and fail here.
        const expected = options.apiKey === null ? 401 : options.headers?.['content-type'] ? 415 : 400;
        expect(res.status, JSON.stringify(options)).toBe(expected);
        expect(typeof res.body.error).toBe('string');
      }),
      { numRuns: 1500, seed: 7 },
    );
    expect(await api.itemCount()).toBe(before);
  }, 120_000);

  it('refuses malformed path ids with 400 and the path', async () => {
    const res = await api.request('GET', '/v1/loans/bad%20id');
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('loanId');
  });
});
