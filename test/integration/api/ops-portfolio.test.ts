import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takePortfolioSnapshot } from '#shared/escalation/take-portfolio-snapshot.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { opsClient, unseenStatuses } from '../../support/ops.ts';

/**
 * The portfolio view over HTTP on the local stack: the snapshots the ageing job stored, by date range,
 * for the whole book or one partner.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
  const { repos, rules, clock } = api.stack.deps;
  const book = (loanId: string, partnerId: string, principal: number) =>
    bookLoan(
      { repos, rules, clock },
      {
        loanId,
        partnerId,
        borrowerId: `b-${loanId}`,
        identityHash: `id-${loanId}`,
        provinceCode: '11',
        terms: {
          principal,
          aprBps: 1_800,
          termMonths: 3,
          repaymentMethod: 'equal_installment',
          disbursedOn: '2027-06-20',
        },
      },
      api.clock.now(),
    );
  await book('pf-1', 'partner-a', 300_000);
  await book('pf-2', 'partner-b', 500_000);
  // What the ageing job does after ageing the loans past due (none yet): the day's snapshot.
  await takePortfolioSnapshot({ repos, rules }, '2027-06-30', []);
  await takePortfolioSnapshot({ repos, rules }, '2027-07-01', []);
});
afterAll(() => api.stop());

const as = (...args: Parameters<ReturnType<typeof opsClient>>) => opsClient(api)(...args);
const agent = () => api.stack.opsTokens.issuer.issue('agent-1', ['agent']);

describe('GET /v1/ops/portfolio', { shuffle: false }, () => {
  it('answers the snapshots of the range, oldest first, with the book by partner', async () => {
    const page = await as(agent(), 'GET', '/v1/ops/portfolio?from=2027-06-01&to=2027-07-01');
    expect(page.status).toBe(200);
    expect(page.body.snapshots.map((s: { date: string }) => s.date)).toEqual(['2027-06-30', '2027-07-01']);
    const [first] = page.body.snapshots;
    expect(first.total).toMatchObject({ loans: 2, outstanding: 800_000, nplRatioBps: 0 });
    expect(first.total.buckets.current).toEqual({ loans: 2, outstanding: 800_000 });
    expect(Object.keys(first.partners)).toEqual(['partner-a', 'partner-b']);
    expect(first.provinces['11']).toEqual({ loans: 2, outstanding: 800_000 });
    expect(first.vintages).toEqual([{ month: '2027-06', booked: 2, delinquentBps: [0] }]);
  });

  it('narrows each snapshot to one partner given partnerId', async () => {
    const page = await as(
      agent(),
      'GET',
      '/v1/ops/portfolio?from=2027-07-01&to=2027-07-01&partnerId=partner-b',
    );
    expect(page.status).toBe(200);
    expect(page.body.partnerId).toBe('partner-b');
    const [only] = page.body.snapshots;
    expect(Object.keys(only.partners)).toEqual(['partner-b']);
    expect(only.partners['partner-b']).toMatchObject({ loans: 1, outstanding: 500_000 });
    expect(only.concentration.figures.map((f: { key: string }) => f.key)).toEqual(['partner-b']);
  });

  it('answers 400 naming the field for a range that ends before it starts, or a missing date', async () => {
    const backwards = await as(agent(), 'GET', '/v1/ops/portfolio?from=2027-07-01&to=2027-06-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues).toEqual([{ path: 'to', message: expect.any(String) }]);
    const missing = await as(agent(), 'GET', '/v1/ops/portfolio?to=2027-06-01');
    expect(missing.status).toBe(400);
  });

  it('answers 401 without a token', async () => {
    const anonymous = await api.request('GET', '/v1/ops/portfolio?from=2027-06-01&to=2027-07-01', {
      apiKey: null,
    });
    expect(anonymous.status).toBe(401);
  });

  it('saw every status the document names for the portfolio route, but the throttle (429), 413 and 500', () => {
    expect(unseenStatuses(api, ['opsPortfolio'])).toEqual([]);
  });
});
