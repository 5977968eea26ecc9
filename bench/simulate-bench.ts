import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoBook } from '#local/demo-book.ts';

const run = promisify(execFile);
const FROM = '2027-01-04';

/** A V8 CPU profile, as `node --cpu-prof` writes it. */
interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a profiled process spent its time: self time by package (or file of ours), largest first. */
export function timeByModule(profile: CpuProfile, top: number): { module: string; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const spent = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const url = frame?.url ?? '';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const module =
      pkg ??
      (url.includes('/work/') || url.startsWith('file:')
        ? url.replace(/^.*?\/(shared|local|cli|functions)\//, '$1/')
        : '') ??
      '';
    const key = module || frame?.functionName || '(native)';
    spent.set(key, (spent.get(key) ?? 0) + dt);
  });
  return [...spent]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([module, t]) => ({ module, share: Number((t / total).toFixed(3)) }));
}

/**
 * The simulation-speed bar: `duebell simulate` of a generated `loans`-loan demo book over `days` days
 * (reminders, escalation and the ageing job included), in a process of its own as a lender runs it,
 * profiled. Reports simulated loan-days per second and where the process spent its time ("(idle)" is
 * waiting on DynamoDB Local). Given `dynamodbEndpoint` (the quick bench), it runs there instead of
 * starting a DynamoDB Local of its own.
 */
export async function measureSimulation(loans: number, days: number, dynamodbEndpoint?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'duebell-sim-bench-'));
  try {
    const portfolio = join(dir, 'book.json');
    writeFileSync(portfolio, JSON.stringify(demoBook({ from: FROM, loans, seed: 11 })));
    const profiles = join(dir, 'profiles');
    const started = performance.now();
    await run(
      process.execPath,
      [
        '--cpu-prof',
        '--cpu-prof-dir',
        profiles,
        'cli/duebell.mjs',
        'simulate',
        '--portfolio',
        portfolio,
        '--from',
        FROM,
        '--days',
        String(days),
        '--out',
        join(dir, 'out'),
        ...(dynamodbEndpoint ? ['--dynamodb-endpoint', dynamodbEndpoint] : []),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const seconds = (performance.now() - started) / 1000;
    // The largest profile is the simulation's own thread (tsx's loader thread writes a small one).
    const [largest] = readdirSync(profiles)
      .map((f) => join(profiles, f))
      .sort((a, b) => readFileSync(b).length - readFileSync(a).length);
    const profile = largest ? (JSON.parse(readFileSync(largest, 'utf8')) as CpuProfile) : undefined;
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    return {
      figures: {
        loans,
        days,
        seconds,
        loanDaysPerSecond: (loans * days) / seconds,
        contacts: summary.contacts,
        whereTheTimeGoes: profile ? timeByModule(profile, 8) : [],
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
