import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDuebellClient } from '@duebell/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runJourney } from '../../../examples/partner-app/journey.ts';
import { sampleApplication } from '../../../examples/partner-app/sample-application.ts';
import { SERVE_START_TIMEOUT_MS, type ServedApi, startDuebellServe } from '../../support/duebell-serve.ts';

const alpha = { partnerId: 'alpha', name: 'Alpha Loans', apiKey: 'partner-app-alpha-0123456789' };
const beta = { partnerId: 'beta', name: 'Beta Credit', apiKey: 'partner-app-beta-01234567890' };

let served: ServedApi;
// The hook allows more than `duebell serve` may take to start, so a slow start fails with its output.
beforeAll(async () => {
  served = await startDuebellServe([alpha, beta], inject('dynamodbEndpoint'));
}, SERVE_START_TIMEOUT_MS + 30_000);
afterAll(async () => {
  expect(await served?.stop()).toBe(0);
});

describe('the example partner app', () => {
  it('runs its journey against duebell serve through the typed client', async () => {
    const result = await runJourney({
      baseUrl: served.url,
      apiKey: alpha.apiKey,
      application: sampleApplication('partner-app-user-1'),
    });
    expect(result.decision).toMatchObject({ decision: 'approve', borrowerId: 'partner-app-user-1' });
    expect(result.loan?.installments).toHaveLength(6);
    expect(result.payment?.allocations[0]?.installmentNo).toBe(1);
    expect(result.paymentRetryStatus).toBe(200);
    expect(result.preferences).toMatchObject({ borrowerId: 'partner-app-user-1', optOut: ['email'] });
    expect(result.hardship).toMatchObject({ status: 'granted', deferralDays: 10 });

    // Another partner sees none of it: the same 404 as for an id that does not exist.
    const other = createDuebellClient({ baseUrl: served.url, apiKey: beta.apiKey });
    const loanId = result.loan?.loanId ?? '';
    const { data, error, response } = await other.GET('/v1/loans/{loanId}', { params: { path: { loanId } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.error).toBe('not_found');
  });

  it('gets the documented error body when a call is refused', async () => {
    const client = createDuebellClient({ baseUrl: served.url, apiKey: alpha.apiKey });
    const { error, response } = await client.POST('/v1/loans', { body: { applicationId: 'no such app' } });
    expect(response.status).toBe(400);
    expect(error?.issues?.[0]?.path).toBe('applicationId');
  });

  it('is written without a cast, a non-null assertion or any', () => {
    const dir = join(process.cwd(), 'examples/partner-app');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
      expect(code, file).not.toMatch(/\bas\s+(?!const\b)[A-Za-z{[(]/);
      expect(code, file).not.toMatch(/[\w)\]]!(?!=)/);
      expect(code, file).not.toMatch(/\bany\b/);
      expect(code, file).not.toMatch(/@ts-(ignore|expect-error|nocheck)/);
    }
  });
});
