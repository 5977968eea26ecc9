import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#local/dynamodb-local.ts';

export interface ServedApi {
  url: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL if it still runs (for cleanup after a failure); nothing otherwise. */
  kill(): void;
}

/** How long `duebell serve` may take to say it listens; a test that starts it allows more than this. */
export const SERVE_START_TIMEOUT_MS = 60_000;

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
  const running = () => child.exitCode === null && child.signalCode === null;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening on" line:\n${output}`)),
        SERVE_START_TIMEOUT_MS,
      );
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
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`duebell serve exited (${code}):\n${output}`));
      });
    });
  } catch (err) {
    // It never came up: do not leave it behind.
    if (running()) child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    stop: () => {
      if (!running()) return Promise.resolve(child.exitCode);
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exit;
    },
    kill: () => {
      if (running()) child.kill('SIGKILL');
    },
  };
}
