import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { lambdaBundle } from '#infra/constructs/node-function.ts';

/** Bundles live inside the project, so whatever a bundle leaves external resolves from node_modules. */
const OUT_DIR = resolve('bench/.bundles');
const HELLO_WORLD = `import { Logger } from '@aws-lambda-powertools/logger';
const logger = new Logger();
export const handler = async () => { logger.info('hello'); return 'hello'; };
`;

/**
 * What a function's module load needs from its environment, without any AWS call: no field key or
 * secret is configured, so nothing reaches Secrets Manager (that fetch is a network cost, not load).
 */
const LOAD_ENV = {
  AWS_REGION: 'ap-east-1',
  TABLE_NAME: 'duebell',
  EVENT_BUS_NAME: 'duebell',
  CONTACT_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/000000000000/contacts',
  SLICE_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/000000000000/sweep-slices',
  AGENT_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/000000000000/agent-tasks',
  LEGAL_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/000000000000/legal-tasks',
  STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:000000000000:stateMachine:duebell-escalation',
  POWERTOOLS_SERVICE_NAME: 'duebell',
  POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(OUT_DIR, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: lambdaBundle.target,
    minify: lambdaBundle.minify,
    mainFields: [...lambdaBundle.mainFields],
    banner: { js: lambdaBundle.banner },
    external: [...lambdaBundle.external],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Milliseconds to import the bundle in a fresh Node process: the module-load part of a cold start. */
function loadMilliseconds(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...LOAD_ENV },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').at(-1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export interface ColdStartFigure {
  function: string;
  bundleBytes: number;
  loadMs: number;
  overHelloWorld: number;
}

/** The cold-start bar (README, Benchmarks): per function, minified bundle size and load time ÷ a Powertools-logger hello world. */
export async function measureColdStarts(rounds: number) {
  mkdirSync(OUT_DIR, { recursive: true });
  const helloEntry = join(OUT_DIR, 'hello-world-entry.mjs');
  writeFileSync(helloEntry, HELLO_WORLD);
  const bundles = [{ name: 'hello-world', file: await bundle('hello-world', helloEntry) }];
  for (const name of readdirSync('functions').sort()) {
    bundles.push({ name, file: await bundle(name, join('functions', name, 'handler.ts')) });
  }
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  // Interleaved rounds, so a busy moment on the machine does not land on one function only.
  for (let round = 0; round < rounds; round++) {
    for (const b of bundles) samples.get(b.name)?.push(loadMilliseconds(b.file));
  }
  const helloMs = median(samples.get('hello-world') ?? []);
  const figures: ColdStartFigure[] = bundles.map((b) => {
    const loadMs = median(samples.get(b.name) ?? []);
    return { function: b.name, bundleBytes: statSync(b.file).size, loadMs, overHelloWorld: loadMs / helloMs };
  });
  return { rounds, helloWorldMs: helloMs, functions: figures.filter((f) => f.function !== 'hello-world') };
}
