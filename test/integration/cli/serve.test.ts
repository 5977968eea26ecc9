import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { SERVE_START_TIMEOUT_MS, startDuebellServe } from '../../support/duebell-serve.ts';

describe('duebell serve', () => {
  // `duebell serve` may take up to SERVE_START_TIMEOUT_MS to start on a busy machine: the test allows more.
  it('serves the API with the partners file, answers a request, and exits cleanly on SIGTERM', {
    timeout: SERVE_START_TIMEOUT_MS + 30_000,
  }, async () => {
    const served = await startDuebellServe(
      [{ partnerId: 'p1', name: 'P One', apiKey: 'serve-test-key-0123456789' }],
      inject('dynamodbEndpoint'),
    );
    // Whatever fails below, the child does not outlive the test.
    onTestFinished(() => served.kill());
    const res = await fetch(`${served.url}/v1/openapi.json`, {
      headers: { 'x-api-key': 'serve-test-key-0123456789' },
    });
    expect(res.status).toBe(200);
    const unauthorized = await fetch(`${served.url}/v1/openapi.json`);
    expect(unauthorized.status).toBe(401);
    expect(await served.stop()).toBe(0);
  });
});
