import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#local/dynamodb-local.ts';

export interface ServedApi {
  url: string;
  stop(): Promise<number | null>;
}

/** `duebell serve` as a partner runs it: its own process, a partners file, on a free port. */
export async function startDuebellServe(
  partners: { partnerId: string; name: string; apiKey: string }[],
  dynamodbEndpoint: string,
): Promise<ServedApi> {
  const dir = mkdtempSync(join(tmpdir(), 'duebell-serve-'));
  const partnersFile = join(dir, 'partners.json');
  writeFileSync(partnersFile, JSON.stringify(partners));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'cli/duebell.mjs',
      'serve',
      '--port',
      String(port),
      '--partners',
      partnersFile,
      '--dynamodb-endpoint',
      dynamodbEndpoint,
    ],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening on ${url}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`duebell serve exited (${code}):\n${output}`)));
  });
  return {
    url,
    stop: () => {
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exit;
    },
  };
}
