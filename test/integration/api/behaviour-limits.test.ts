import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import { judgePromises } from '#shared/escalation/judge-promises.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_B, startTestApi, type TestApi } from '../../support/api.ts';

/**
 * The behaviour score's limit and suspension, enforced by the real scoring handler against DynamoDB Local:
 * a person's history at one partner is written to their identity item with each booking, payment and
 * promise judgment, and another partner's scoring reads it in the BatchGet it already makes.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

const person = (n: number) => withCheckChar(`31010419930712${String(800 + n).padStart(3, '0')}`);
const apply = (idNumber: string, borrowerId: string, amount: number, apiKey?: string) =>
  api.request('POST', '/v1/applications', {
    body: {
      ...application,
      borrowerId,
      applicant: { ...application.applicant, idNumber },
      request: { amount, termMonths: 24, repaymentMethod: 'equal_installment' },
    },
    ...(apiKey ? { apiKey } : {}),
  });
const codes = (res: { body: { reasons: { code: string }[] } }) => res.body.reasons.map((r) => r.code);

describe('the credit limit across partners', () => {
  it('declines at partner B with EXPOSURE_LIMIT a loan that would take the person over it', async () => {
    const idNumber = person(1);
    api.clock.set(new Date('2027-07-01T02:00:00.000Z'));
    // Before any loan: a first-time applicant is judged by the application scorecard alone.
    const before = await apply(idNumber, 'limit-b', 5_000_000, PARTNER_B.apiKey);
    expect(before.body.decision).toBe('approve');

    const atA = await apply(idNumber, 'limit-a', 800_000);
    expect(atA.body.decision).toBe('approve');
    const booked = await api.request('POST', '/v1/loans', {
      body: { applicationId: atA.body.applicationId },
    });
    expect(booked.status).toBe(201);

    // The booking changed the person's history: their first limit is announced, with ids only.
    const announced = (await api.published()).filter(
      (e) => e.type === 'CreditLimitChanged' && e.detail.loanId === booked.body.loanId,
    );
    expect(announced.map((e) => e.detail)).toEqual([
      expect.objectContaining({ partnerId: 'partner-a', limit: 5_760_000, previousLimit: null, grade: 'B' }),
    ]);

    // Grade B (no history yet): 6 × ¥12,000 × 0.8 = ¥57,600, of which the loan at A takes its schedule.
    const over = await apply(idNumber, 'limit-b', 5_000_000, PARTNER_B.apiKey);
    expect(over.body.decision).toBe('decline');
    expect(codes(over)[0]).toBe('EXPOSURE_LIMIT');
    const within = await apply(idNumber, 'limit-b', 1_000_000, PARTNER_B.apiKey);
    expect(within.body.decision).toBe('approve');
  });
});

describe('the suspension after a broken promise', () => {
  it('declines at partner B with BEHAVIOUR_SUSPENDED once the ageing job judged a promise broken', async () => {
    const idNumber = person(2);
    api.clock.set(new Date('2027-07-01T02:00:00.000Z'));
    const atA = await apply(idNumber, 'promiser-a', 800_000);
    const booked = await api.request('POST', '/v1/loans', {
      body: { applicationId: atA.body.applicationId },
    });
    const loanId = booked.body.loanId as string;

    // The first installment (due 08-01) four days past due: a promise for the 10th, not kept.
    api.clock.set(new Date('2027-08-05T02:00:00.000Z'));
    const view = await api.request('GET', `/v1/loans/${loanId}`);
    const overdue = view.body.installments.find((i: { status: string }) => i.status === 'overdue');
    const promised = await api.request('POST', `/v1/loans/${loanId}/promises`, {
      body: { date: '2027-08-10', amount: overdue.outstanding.total },
    });
    expect(promised.status).toBe(201);
    api.clock.set(new Date('2027-08-11T02:00:00.000Z'));
    // Judging reads the loans, the promises, the clock and the rules: the app's own dependencies.
    const judged = await judgePromises(api.stack.deps as unknown as EscalationDeps, '2027-08-11');
    expect(judged).toEqual({ kept: 0, broken: 1 });
    // The judgment raised PROMISE_BROKEN in its own write: once, and a rerun of the day judges nothing.
    await judgePromises(api.stack.deps as unknown as EscalationDeps, '2027-08-11');
    const raised = (await api.published()).filter(
      (e) => e.type === 'EarlyWarningRaised' && e.detail.loanId === loanId,
    );
    expect(raised.map((e) => e.detail.code)).toEqual(['PROMISE_BROKEN']);
    expect(raised[0]?.detail.occurrence).toBe(promised.body.promiseId);
    // Ten days late and a broken promise: the limit moved down, announced with the judgment.
    const limits = (await api.published())
      .filter((e) => e.type === 'CreditLimitChanged' && e.detail.loanId === loanId)
      .map((e) => [e.detail.previousLimit, e.detail.limit] as [number | null, number]);
    expect(limits).toHaveLength(2);
    expect(limits[1]?.[0]).toBe(limits[0]?.[1]);
    expect(limits[1]?.[1]).toBeLessThan(limits[0]?.[1] as number);

    // The arrears are paid, so the person is no longer overdue: the suspension alone declines.
    const owed = (await api.request('GET', `/v1/loans/${loanId}`)).body.installments.find(
      (i: { status: string }) => i.status === 'overdue',
    ).outstanding.total;
    const paid = await api.request('POST', `/v1/loans/${loanId}/payments`, {
      body: { paymentId: 'arrears-1', amount: owed, paidAt: '2027-08-11T03:00:00.000Z' },
    });
    expect(paid.status).toBe(201);

    const atB = await apply(idNumber, 'promiser-b', 100_000, PARTNER_B.apiKey);
    expect(atB.body.decision).toBe('decline');
    expect(codes(atB)[0]).toBe('BEHAVIOUR_SUSPENDED');

    // 90 days after the judgment the suspension is over (the limit still applies).
    api.clock.set(new Date('2027-11-09T02:00:00.000Z'));
    const later = await apply(idNumber, 'promiser-b', 100_000, PARTNER_B.apiKey);
    expect(codes(later)).not.toContain('BEHAVIOUR_SUSPENDED');
  });
});
