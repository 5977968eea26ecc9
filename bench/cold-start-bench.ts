import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { lambdaBundle, tracingDefine } from '#infra/constructs/node-function.ts';
import { medianBy } from './bars.ts';

/** Bundles live inside the project, so whatever a bundle leaves external resolves from node_modules. */
const OUT_DIR = resolve('bench/.bundles');

/** SPEC §4: a function's load ÷ its SDK-clients-and-logger baseline's. */
const TARGET = 1.5;

/**
 * What a function's module load needs from its environment, without any AWS call: no field key or
 * secret is configured, so nothing reaches Secrets Manager (that fetch is a network cost, not load).
 * The Lambda runtime's own variables are set too, so Powertools (the Tracer above all) behaves as
 * deployed rather than switching itself off outside Lambda.
 */
const LOAD_ENV = {
  AWS_REGION: 'ap-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'duebell-cold-start',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
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

interface Bundle {
  file: string;
  bytes: number;
  /** The bundle's inputs by bytes in the output, largest first. */
  modules: { path: string; bytes: number }[];
  metafile: Metafile;
}

/** Bundles as CDK does for a deployment that traces (the default) or has turned tracing off. */
async function bundle(name: string, entry: string, traced = true): Promise<Bundle> {
  const outfile = join(OUT_DIR, `${name}.mjs`);
  const { metafile } = await build({
    absWorkingDir: process.cwd(),
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: lambdaBundle.target,
    minify: lambdaBundle.minify,
    mainFields: [...lambdaBundle.mainFields],
    banner: { js: lambdaBundle.banner },
    external: [...lambdaBundle.external],
    define: tracingDefine(traced),
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(metafile.outputs);
  if (!output) throw new Error(`esbuild wrote nothing for ${entry}`);
  const modules = Object.entries(output.inputs)
    .map(([path, input]) => ({ path: readablePath(path), bytes: input.bytesInOutput }))
    .filter((m) => m.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { file: outfile, bytes: output.bytes, modules, metafile };
}

/** `../main/node_modules/zod/…` (node_modules may be a link out of the tree) reads as `node_modules/zod/…`. */
function readablePath(path: string): string {
  return path.replace(/^.*?node_modules\//, 'node_modules/');
}

/** An AWS SDK client class a bundle carries; `lazy` when only a dynamic `import()` reaches it. */
interface SdkClient {
  packageName: string;
  className: string;
  lazy: boolean;
}

const SDK_CLIENT_MODULE =
  /node_modules\/(@aws-sdk\/(?:client-[\w-]+|lib-dynamodb))\/dist-es\/(\w+Client)\.js$/;

/** The SDK clients whose class made it into the bundle (tree shaking drops the ones never constructed). */
function sdkClientsOf(metafile: Metafile, entry: string): SdkClient[] {
  const [output] = Object.values(metafile.outputs);
  const eager = new Set<string>();
  const pending = [entry];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (eager.has(path)) continue;
    eager.add(path);
    for (const imported of metafile.inputs[path]?.imports ?? []) {
      if (!imported.external && imported.kind !== 'dynamic-import') pending.push(imported.path);
    }
  }
  const clients: SdkClient[] = [];
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = SDK_CLIENT_MODULE.exec(path);
    if (!match || input.bytesInOutput === 0) continue;
    clients.push({ packageName: match[1] as string, className: match[2] as string, lazy: !eager.has(path) });
  }
  return clients.sort((a, b) => a.packageName.localeCompare(b.packageName));
}

/**
 * The least a function with these clients can load: the same client packages, each client (and a
 * logger) constructed at module load as the functions do, the lazily imported ones left behind an
 * `import()` as the functions leave them.
 */
function baselineSource(clients: SdkClient[]): string {
  const eager = clients.filter((c) => !c.lazy);
  const lazy = clients.filter((c) => c.lazy);
  const dynamodb = eager.find((c) => c.packageName === '@aws-sdk/client-dynamodb');
  const lines = ["import { Logger } from '@aws-lambda-powertools/logger';"];
  for (const c of eager) lines.push(`import { ${c.className} } from '${c.packageName}';`);
  lines.push('const logger = new Logger();');
  if (dynamodb) lines.push(`const dynamodb = new ${dynamodb.className}({});`);
  const constructed = eager
    .filter((c) => c !== dynamodb)
    .map((c) =>
      c.packageName === '@aws-sdk/lib-dynamodb' && dynamodb
        ? `${c.className}.from(dynamodb)`
        : `new ${c.className}({})`,
    );
  if (dynamodb) constructed.unshift('dynamodb');
  lines.push(`const clients = [${constructed.join(', ')}];`);
  const onDemand = lazy.map((c) => `() => import('${c.packageName}').then((m) => new m.${c.className}({}))`);
  lines.push(`export const onDemand = [${onDemand.join(', ')}];`);
  lines.push("export const handler = async () => { logger.info('clients', { count: clients.length }); };");
  return `${lines.join('\n')}\n`;
}

function baselineName(clients: SdkClient[]): string {
  const names = clients.map((c) => `${c.packageName.replace('@aws-sdk/', '')}${c.lazy ? '~' : ''}`);
  return `baseline_${names.join('+') || 'logger'}`;
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

export interface ColdStartBar {
  function: string;
  /** Load ms ÷ the baseline's load ms. */
  ratio: number;
  target: number;
  holds: boolean;
  figures: {
    bundleBytes: number;
    baselineBundleBytes: number;
    /** Bundle bytes ÷ the baseline's bundle bytes. */
    bundleRatio: number;
    loadMs: number;
    baselineLoadMs: number;
    /** The SDK clients the baseline constructs (`~`: imported on demand, as the function does). */
    baselineClients: string[];
    topModules: { path: string; bytes: number }[];
    baselineTopModules: { path: string; bytes: number }[];
    /** The same function built for a deployment with tracing off (`-c duebell:tracing=off`). */
    withoutTracing: { bundleBytes: number; bundleRatio: number; loadMs: number; ratio: number };
  };
}

/**
 * The cold-start bar (SPEC §4, README Benchmarks): per function, its bundle as CDK builds it against a
 * bundle of only the same AWS SDK clients and the Powertools logger, each imported in fresh processes
 * in interleaved rounds; the median load of each is compared.
 */
export async function measureColdStarts(
  rounds: number,
  /** The functions to measure (all of them by default; a smoke run takes a few). */
  only?: readonly string[],
): Promise<ColdStartBar[]> {
  mkdirSync(OUT_DIR, { recursive: true });
  const functions: {
    name: string;
    measured: Bundle;
    untraced: Bundle;
    baseline: string;
    clients: SdkClient[];
  }[] = [];
  const baselines = new Map<string, Bundle>();
  for (const name of readdirSync('functions').sort()) {
    if (only && !only.includes(name)) continue;
    const entry = join('functions', name, 'handler.ts');
    const measured = await bundle(name, entry);
    const untraced = await bundle(`${name}-untraced`, entry, false);
    const clients = sdkClientsOf(measured.metafile, entry);
    const baseline = baselineName(clients);
    if (!baselines.has(baseline)) {
      const baselineEntry = join(OUT_DIR, `${baseline}-entry.mjs`);
      writeFileSync(baselineEntry, baselineSource(clients));
      baselines.set(baseline, await bundle(baseline, baselineEntry));
    }
    functions.push({ name, measured, untraced, baseline, clients });
  }
  const files = [
    ...functions.map((f) => ({ name: f.name, file: f.measured.file })),
    ...functions.map((f) => ({ name: `${f.name}-untraced`, file: f.untraced.file })),
    ...[...baselines].map(([name, b]) => ({ name, file: b.file })),
  ];
  const samples = new Map<string, number[]>(files.map((f) => [f.name, []]));
  // Interleaved rounds, so a busy moment on the machine does not land on one bundle only.
  for (let round = 0; round < rounds; round++) {
    for (const f of files) samples.get(f.name)?.push(loadMilliseconds(f.file));
  }
  const medianOf = (name: string) => medianBy(samples.get(name) ?? [], (ms) => ms);
  return functions.map((f) => {
    const baseline = baselines.get(f.baseline) as Bundle;
    const loadMs = medianOf(f.name);
    const baselineLoadMs = medianOf(f.baseline);
    const ratio = loadMs / baselineLoadMs;
    return {
      function: f.name,
      ratio,
      target: TARGET,
      holds: ratio <= TARGET,
      figures: {
        bundleBytes: f.measured.bytes,
        baselineBundleBytes: baseline.bytes,
        bundleRatio: f.measured.bytes / baseline.bytes,
        loadMs,
        baselineLoadMs,
        baselineClients: f.clients.map((c) => `${c.packageName}${c.lazy ? '~' : ''}`),
        topModules: f.measured.modules.slice(0, 5),
        baselineTopModules: baseline.modules.slice(0, 5),
        withoutTracing: {
          bundleBytes: f.untraced.bytes,
          bundleRatio: f.untraced.bytes / baseline.bytes,
          loadMs: medianOf(`${f.name}-untraced`),
          ratio: medianOf(`${f.name}-untraced`) / baselineLoadMs,
        },
      },
    };
  });
}
