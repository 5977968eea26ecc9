import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_A, startTestApi, type TestApi } from '../../support/api.ts';

const CONNECTIONS = 8;
/** A fixed number of requests, not a duration: on a loaded machine a 4 s run can end before any answer. */
const REQUESTS = 160;

/** The fixture applicant with another national ID (and the birth date it encodes). */
function applicant(idNumber: string, borrowerId: string) {
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  return { ...application, borrowerId, applicant: { ...application.applicant, idNumber, birthDate } };
}

let api: TestApi;
const loanIds: string[] = [];
beforeAll(async () => {
  api = await startTestApi();
  for (let i = 0; i < 2 * CONNECTIONS; i++) {
    const idNumber = withCheckChar(`31010419850101${String(i).padStart(3, '0')}`);
    const scored = await api.request('POST', '/v1/applications', { body: applicant(idNumber, `load-${i}`) });
    expect(scored.body.decision).toBe('approve');
    const booked = await api.request('POST', '/v1/loans', {
      body: { applicationId: scored.body.applicationId },
    });
    expect(booked.status).toBe(201);
    loanIds.push(booked.body.loanId);
  }
}, 120_000);
afterAll(() => api.stop());

describe('payments and applications under load through duebell serve', () => {
  it('answers every request with a success or a 429, and the table holds exactly the payments it accepted', async () => {
    const accepted = new Map<string, number>();
    const sent = new Map<string, number>();
    const statuses: Record<string, number> = {};
    const loanOf = new Map<string, string>();
    /** Payments whose answer arrived. */
    const answered = new Set<string>();
    let payments = 0;
    let applicants = 0;
    const result = await autocannon({
      url: api.stack.url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      // Each request may wait behind the others on two shared cores; none is cut off by the run's end.
      timeout: 60,
      requests: [
        {
          method: 'POST',
          // Round robin over twice as many loans as connections: requests in flight pay different loans
          // (a partner does not race payments on one loan).
          setupRequest: (req, state: object) => {
            const context = state as Record<string, unknown>;
            const n = payments++;
            const loanId = loanIds[n % loanIds.length] as string;
            const paymentId = `load-${n}`;
            const amount = 100 + (n % 50);
            sent.set(paymentId, amount);
            context.payment = { paymentId, amount, loanId };
            loanOf.set(paymentId, loanId);
            return {
              ...req,
              path: `/v1/loans/${loanId}/payments`,
              headers: { 'content-type': 'application/json', 'x-api-key': PARTNER_A.apiKey },
              body: JSON.stringify({ paymentId, amount, paidAt: api.clock.now().toISOString() }),
            };
          },
          onResponse: (status, _body, state: object) => {
            const context = state as Record<string, unknown>;
            statuses[`payment ${status}`] = (statuses[`payment ${status}`] ?? 0) + 1;
            const p = context.payment as { paymentId: string; amount: number };
            answered.add(p.paymentId);
            if (status === 201) accepted.set(p.paymentId, p.amount);
          },
        },
        {
          method: 'POST',
          path: '/v1/applications',
          setupRequest: (req) => {
            const i = applicants++;
            const idNumber = withCheckChar(`31010419860101${String(i % 1000).padStart(3, '0')}`);
            return {
              ...req,
              headers: { 'content-type': 'application/json', 'x-api-key': PARTNER_A.apiKey },
              body: JSON.stringify(applicant(idNumber, `apply-${i}`)),
            };
          },
          onResponse: (status) => {
            statuses[`application ${status}`] = (statuses[`application ${status}`] ?? 0) + 1;
          },
        },
      ],
    });
    console.log(
      `load: ${result.requests.total} requests in ${result.duration} s (${result.requests.average}/s), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      statuses,
    );
    expect(result.errors).toBe(0);
    const unexpected = Object.entries(statuses).filter(([k]) => !/ (201|429)$/.test(k));
    expect(unexpected).toEqual([]);
    expect(accepted.size).toBeGreaterThan(0);

    // Every accepted payment is in the table with its amount, and no refused one is; the sum of what was
    // accepted is the sum of those payments in the table.
    let inTable = 0;
    for (const paymentId of answered) {
      const stored = await api.stack.deps.repos.loans.getPayment(loanOf.get(paymentId) as string, paymentId);
      expect(stored?.amount).toBe(accepted.get(paymentId));
      inTable += stored?.amount ?? 0;
    }
    expect(inTable).toBe([...accepted.values()].reduce((a, b) => a + b, 0));
    // Every request sent was answered: a fixed amount, nothing cut off.
    expect(answered.size).toBe(sent.size);
    expect(result.requests.total).toBe(REQUESTS);
  }, 300_000);
});
