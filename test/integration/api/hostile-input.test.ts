import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsRouteTable, routeTable, splitRouteKey } from '#shared/http/route-table.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_A, startTestApi, type TestApi } from '../../support/api.ts';
import { clone, type Json, setAt } from '../../support/malformed-requests.ts';

/**
 * Hostile input on every route (SPEC §4, "Bad input"): whatever arrives, no 5xx, nothing written for a
 * refused request, no personal data echoed, and no prototype pollution in the process serving it.
 */

let api: TestApi;
let existingLoanId: string;
beforeAll(async () => {
  api = await startTestApi();
  const scored = await api.request('POST', '/v1/applications', { body: application });
  const booked = await api.request('POST', '/v1/loans', {
    body: { applicationId: scored.body.applicationId },
  });
  existingLoanId = booked.body.loanId;
});
afterAll(() => api.stop());

/** Every route, with a real id where its path takes one (a hostile body must not get past validation). */
const routes = () =>
  Object.values(routeTable)
    .flat()
    .map((key) => {
      const { method, resource } = splitRouteKey(key);
      const path = resource
        .replace('{loanId}', existingLoanId)
        .replace('{applicationId}', 'app_0')
        .replace('{borrowerId}', application.borrowerId);
      return { method, path, takesBody: method !== 'GET' };
    });

const INJECTIONS = [
  "' OR '1'='1' --",
  '"; DROP TABLE loans; --',
  '$' + '{jndi:ldap://x/a}', // log4shell, split so it is no template placeholder
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e\u0645',
  '𠜎'.repeat(5000),
  '\ud800',
  '#{1+1}',
  '$where: 1',
];

/** Bodies no route accepts: raw JSON text (lone surrogates, `__proto__` keys, deep nesting, huge values). */
const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constant('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
  fc.constant(`{"applicant":{"name":"\\ud800\\udfff\\ud800"},"__proto__":{"isAdmin":true}}`),
  fc.integer({ min: 100, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 100, max: 2000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom('1e400', '-0', '9007199254740993', '"x"', 'null', 'true', '[]', '', '{', '\uFEFF{}'),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constant(`{"amount":${'9'.repeat(400)}}`),
  fc.constant(JSON.stringify({ paymentId: 'x'.repeat(200_000), amount: 1, paidAt: 'now' })),
);

/** Path parameters that try to leave their segment or smuggle something in. */
const hostileId = fc.oneof(
  fc.constantFrom(
    '..',
    '%2e%2e',
    '..%2F..%2Fopenapi.json',
    '%2F',
    'a%2Fb',
    '%00',
    'a%0d%0aX-Injected:1',
    '%ZZ',
  ),
  fc.constantFrom(...INJECTIONS.filter((s) => !/[\ud800-\udfff]/.test(s))).map((s) => encodeURIComponent(s)),
  fc
    .string({ unit: 'binary', maxLength: 40 })
    .map((s) => encodeURIComponent(s.replaceAll(/[\ud800-\udfff]/g, ''))),
  fc.constant('x'.repeat(5000)),
);

function pollutionFound(): string[] {
  const probe = {} as Record<string, unknown>;
  return ['polluted', 'isAdmin'].filter((k) => k in probe || k in Object.prototype);
}

describe('hostile input on every route', () => {
  it('answers hostile bodies on every route with a 4xx, and writes nothing', async () => {
    const before = await api.itemCount();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes().filter((r) => r.takesBody)),
        hostileRawBody,
        async (route, rawBody) => {
          const res = await api.request(route.method, route.path, { rawBody });
          statuses.add(res.status);
          expect(res.status, `${route.method} ${route.path} ${rawBody.slice(0, 80)}`).toBeGreaterThanOrEqual(
            400,
          );
          expect(res.status).toBeLessThan(500);
          expect(typeof res.body.error).toBe('string');
        },
      ),
      { numRuns: 400, seed: 15 },
    );
    expect(await api.itemCount()).toBe(before);
    expect(statuses.has(400)).toBe(true);
    expect(pollutionFound()).toEqual([]);
  });

  it('answers hostile path parameters on every route with a 4xx (never another route), and writes nothing', async () => {
    const before = await api.itemCount();
    const withIds = Object.values(routeTable)
      .flat()
      .map(splitRouteKey)
      .filter((r) => r.resource.includes('{'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withIds), hostileId, async (route, id) => {
        const path = route.resource.replace(/\{\w+\}/, id);
        const body = route.method === 'GET' ? undefined : {};
        const res = await fetch(`${api.stack.url}${path}`, {
          method: route.method,
          headers: { 'x-api-key': PARTNER_A.apiKey, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // 414/431: Node refuses a request line or headers over its limit before any handler runs.
        expect([400, 404, 405, 413, 414, 431], `${route.method} ${path.slice(0, 120)}`).toContain(res.status);
        const text = await res.text();
        expect(text).not.toContain('openapi'); // never routed to another resource
      }),
      { numRuns: 300, seed: 16 },
    );
    expect(await api.itemCount()).toBe(before);
  });

  it('never answers a 5xx or echoes personal data, with an injection string in any string field of an application', async () => {
    const personal = [
      application.applicant.idNumber,
      application.applicant.phone,
      application.applicant.email,
    ];
    const stringPaths = leafStrings(application as unknown as Json);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...stringPaths),
        fc.constantFrom(...INJECTIONS),
        async (path, injected) => {
          const res = await api.request('POST', '/v1/applications', { body: setAt(clone(), path, injected) });
          expect(res.status, `${path.join('.')} = ${JSON.stringify(injected).slice(0, 40)}`).toBeLessThan(
            500,
          );
          const answer = JSON.stringify(res.body);
          if (res.status >= 400) for (const value of personal) expect(answer).not.toContain(value);
        },
      ),
      { numRuns: 200, seed: 17 },
    );
    expect(pollutionFound()).toEqual([]);
  });

  it('answers hostile bodies and path parameters on every ops route with a 4xx, and writes nothing', async () => {
    const before = await api.itemCount();
    const opsRoutes = opsRouteTable.ops.map(splitRouteKey).filter((r) => r.resource.includes('{'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...opsRoutes),
        hostileRawBody,
        hostileId,
        async (route, rawBody, id) => {
          const path = route.resource.replace(/\{\w+\}/, id);
          const res = await fetch(`${api.stack.url}${path}`, {
            method: route.method,
            headers: {
              authorization: `Bearer ${api.stack.opsTokens.supervisor}`,
              'content-type': 'application/json',
            },
            body: route.method === 'GET' ? undefined : rawBody,
          });
          expect(res.status, `${route.method} ${path.slice(0, 120)}`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200, seed: 18 },
    );
    expect(await api.itemCount()).toBe(before);
    expect(pollutionFound()).toEqual([]);
  });

  it('answers a flood of headers without a 5xx', async () => {
    const headers: Record<string, string> = { 'x-api-key': PARTNER_A.apiKey };
    for (let i = 0; i < 90; i++) headers[`x-junk-${i}`] = 'y'.repeat(150);
    const res = await fetch(`${api.stack.url}/v1/loans/${existingLoanId}`, { headers });
    expect(res.status).toBeLessThan(500);
    const huge = await fetch(`${api.stack.url}/v1/loans/${existingLoanId}`, {
      headers: { 'x-api-key': PARTNER_A.apiKey, 'x-junk': 'y'.repeat(64 * 1024) },
    }).catch((error: unknown) => error);
    // Node's HTTP server refuses headers over 16 KB with 431; a socket closed on it is also a refusal.
    if (huge instanceof Response) expect(huge.status).toBe(431);
  });
});

/** Paths to every string leaf of a JSON object. */
function leafStrings(value: Json, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([k, v]) =>
    typeof v === 'string'
      ? [[...prefix, k]]
      : v && typeof v === 'object' && !Array.isArray(v)
        ? leafStrings(v as Json, [...prefix, k])
        : [],
  );
}
