import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '#local/dynamodb-local.ts';

describe('duebell serve', () => {
  it('serves the API with the partners file, answers a request, and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duebell-serve-'));
    const partners = join(dir, 'partners.json');
    writeFileSync(
      partners,
      JSON.stringify([{ partnerId: 'p1', name: 'P One', apiKey: 'serve-test-key-0123456789' }]),
    );
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'cli/duebell.mjs',
        'serve',
        '--port',
        String(port),
        '--partners',
        partners,
        '--dynamodb-endpoint',
        inject('dynamodbEndpoint'),
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line:\n${output}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`listening on http://127.0.0.1:${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
    });
    const res = await fetch(`http://127.0.0.1:${port}/v1/openapi.json`, {
      headers: { 'x-api-key': 'serve-test-key-0123456789' },
    });
    expect(res.status).toBe(200);
    const unauthorized = await fetch(`http://127.0.0.1:${port}/v1/openapi.json`);
    expect(unauthorized.status).toBe(401);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
