import { cpus, totalmem } from 'node:os';

/** One speed or cost bar of SPEC §4: a ratio against the least work the job needs, and its target. */
export interface Bar {
  name: string;
  ratio: number;
  target: number;
  holds: boolean;
  figures: Record<string, unknown>;
}

/** Which side of its target each bar must stay on (printed, not written to results.json). */
const sideOf = new WeakMap<Bar, '≤' | '≥'>();

function bar(
  side: '≤' | '≥',
  name: string,
  ratio: number,
  target: number,
  figures: Record<string, unknown>,
  also: boolean,
): Bar {
  const reached = side === '≤' ? ratio <= target : ratio >= target;
  const made = { name, ratio, target, holds: reached && also, figures };
  sideOf.set(made, side);
  return made;
}

/**
 * A bar the ratio must stay at or under (a cost, a time); `also` is what else must be true for it to
 * hold (nothing lost, no errors).
 */
export const atMost = (
  name: string,
  ratio: number,
  target: number,
  figures: Record<string, unknown>,
  also = true,
) => bar('≤', name, ratio, target, figures, also);

/** A bar the ratio must reach (a speed against its floor); `also` as for `atMost`. */
export const atLeast = (
  name: string,
  ratio: number,
  target: number,
  figures: Record<string, unknown>,
  also = true,
) => bar('≥', name, ratio, target, figures, also);

/** The middle item by `key` (the upper of the two middle ones for an even count). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('no items to take a median of');
  return middle;
}

/** What the figures were measured on: absolute times mean nothing without it. */
export function machine(quick: boolean) {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    quick,
    startedAt: new Date().toISOString(),
  };
}

const show = (n: unknown) =>
  typeof n === 'number' ? (Number.isInteger(n) ? String(n) : n.toFixed(2)) : String(n);

/** The one table `npm run bench` prints: each bar, its ratio against its target, and whether it holds. */
export function barTable(bars: Bar[]): string {
  const rows = bars.map((b) => [
    b.name + (typeof b.figures.function === 'string' ? ` (${b.figures.function})` : ''),
    show(b.ratio),
    `${sideOf.get(b) ?? ''} ${show(b.target)}`,
    b.holds ? 'holds' : 'MISSED',
  ]);
  const header = ['bar', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
