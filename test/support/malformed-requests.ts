import fc from 'fast-check';
import application from '../fixtures/application.json' with { type: 'json' };
import type { RequestOptions } from './api.ts';

/**
 * The malformed requests of the bad-input bar (README, Partner API: errors), as fast-check arbitraries: the bad-input test
 * sends thousands of them, the OpenAPI contract test checks their answers against the document.
 */

export type Json = Record<string, unknown>;
export const clone = (): Json => structuredClone(application) as Json;

/** Paths to every leaf of the valid application, e.g. ['applicant', 'employment', 'monthlyIncome']. */
function leaves(value: unknown, prefix: string[] = []): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...leaves(v, [...prefix, k])]);
  }
  return [];
}
const paths = leaves(application);

export function setAt(target: Json, path: string[], value: unknown): Json {
  let node: Json = target;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return target;
}

function valueAt(path: string[], root: unknown = application): unknown {
  return path.reduce<unknown>((node, key) => (node as Json)[key], root);
}

/** Values of the wrong type (or out of range) for a leaf, chosen by what the valid value is. */
function wrongFor(valid: unknown): fc.Arbitrary<unknown> {
  const notAString = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.constant([]),
    fc.constant({}),
    fc.boolean(),
  );
  if (typeof valid === 'string') return notAString;
  if (typeof valid === 'number') {
    return fc.oneof(
      fc.constant(null),
      fc.integer({ max: -1 }),
      fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
      fc.constant(2 ** 60),
      fc.string({ maxLength: 10 }),
      fc.constant([]),
      fc.boolean(),
    );
  }
  if (typeof valid === 'boolean')
    return fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 10 }), fc.constant([]));
  if (Array.isArray(valid))
    return fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string({ maxLength: 10 }),
      fc.constant({}),
      fc.boolean(),
    );
  return fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string({ maxLength: 10 }),
    fc.constant([]),
    fc.boolean(),
  );
}

const requiredPaths = paths.filter((p) => !['borrowerId', 'email'].includes(p[p.length - 1] as string));

/** Malformed requests of every kind the bad-input bar names; each one must be refused with a 4xx. */
export const malformedApplication: fc.Arbitrary<{ label: string; options: RequestOptions }> = fc.oneof(
  fc.constantFrom(...requiredPaths).map((p) => ({
    label: `missing ${p.join('.')}`,
    options: { body: setAt(clone(), p, undefined) },
  })),
  fc
    .constantFrom(...paths)
    .chain((p) => wrongFor(valueAt(p)).map((v) => [p, v] as const))
    .map(([p, v]) => ({
      label: `wrong ${p.join('.')}=${JSON.stringify(v)}`,
      options: { body: setAt(clone(), p, v) },
    })),
  fc
    .tuple(
      fc.constantFrom([] as string[], ['applicant'], ['bureau'], ['request']),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([p, key]) => ({
      label: `extra field ${key}`,
      options: { body: setAt(clone(), [...p, `x_${key}`], 1) },
    })),
  fc
    .constantFrom(
      ['applicant', 'idNumber', '310104199307122359'],
      ['applicant', 'idNumber', '31010419930712235'],
      ['applicant', 'phone', '13912345678'],
      ['applicant', 'phone', '+0861391234567'],
      ['applicant', 'birthDate', '1993-02-30'],
      ['applicant', 'birthDate', '1993-07-13'],
      ['applicant', 'email', 'not-an-email'],
      ['request', 'amount', 0],
      ['request', 'amount', Number.MAX_SAFE_INTEGER + 2],
      ['request', 'termMonths', 25],
      ['request', 'repaymentMethod', 'balloon'],
      ['applicant', 'employment', 'status', 'astronaut'],
    )
    .map((entry) => ({
      label: `invalid ${entry.slice(0, -1).join('.')}`,
      options: { body: setAt(clone(), entry.slice(0, -1) as string[], entry[entry.length - 1]) },
    })),
  fc
    .string({ maxLength: 200 })
    .filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    })
    .map((raw) => ({ label: 'not JSON', options: { rawBody: raw } })),
  fc.jsonValue().map((v) => ({ label: 'some other JSON', options: { rawBody: JSON.stringify(v) } })),
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data').map((ct) => ({
    label: `content-type ${ct}`,
    options: { body: clone(), headers: { 'content-type': ct } },
  })),
  fc.constantFrom(null, '', 'wrong-key-000000000000000').map((apiKey) => ({
    label: `api key ${JSON.stringify(apiKey)}`,
    options: { body: clone(), apiKey },
  })),
  fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }).map((size) => ({
    label: `body of ${size} bytes`,
    options: { rawBody: JSON.stringify({ ...clone(), pad: 'x'.repeat(size) }) },
  })),
);

/** Valid bodies of the other write routes; every mutation of them below is invalid by construction. */
export const otherRoutes: { method: string; path: string; valid: Json; optional: string[] }[] = [
  { method: 'POST', path: '/v1/loans', valid: { applicationId: 'app_1' }, optional: [] },
  {
    method: 'POST',
    path: '/v1/loans/loan_1/payments',
    valid: { paymentId: 'p1', amount: 100, paidAt: '2027-07-02T10:00:00+08:00' },
    optional: [],
  },
  {
    method: 'POST',
    path: '/v1/loans/loan_1/hardship',
    valid: { reason: 'illness', deferralDays: 10 },
    optional: [],
  },
  {
    method: 'POST',
    path: '/v1/loans/loan_1/promises',
    valid: { date: '2027-07-05', amount: 10_000 },
    optional: [],
  },
  {
    method: 'PUT',
    path: '/v1/borrowers/alpha-user-42/contact-preferences',
    valid: {
      language: 'en',
      timezone: 'Asia/Shanghai',
      optOut: [],
      consents: {
        contactBySms: true,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
      },
    },
    optional: [],
  },
];

export const malformedOtherWrite = fc.constantFrom(...otherRoutes).chain((route) => {
  const routePaths = leaves(route.valid);
  const body = () => structuredClone(route.valid);
  return fc
    .oneof(
      fc.constantFrom(...routePaths).map((p) => ({ body: setAt(body(), p, undefined) }) as RequestOptions),
      fc
        .constantFrom(...routePaths)
        .chain((p) =>
          wrongFor(valueAt(p, route.valid)).map((v) => ({ body: setAt(body(), p, v) }) as RequestOptions),
        ),
      fc
        .string({ minLength: 1, maxLength: 8 })
        .map((k) => ({ body: { ...body(), [`x_${k}`]: 1 } }) as RequestOptions),
      fc.jsonValue().map((v) => ({ rawBody: JSON.stringify(v) }) as RequestOptions),
      fc.string({ maxLength: 50 }).map((raw) => ({ rawBody: `{${raw}` }) as RequestOptions),
      fc.constant({ body: body(), headers: { 'content-type': 'text/plain' } } as RequestOptions),
      fc.constant({ body: body(), apiKey: null } as RequestOptions),
    )
    .map((options) => ({ route, options }));
});
