/** `--faults sns=0.2,crash=0.05,dup=0.1`: probabilities of each injected fault. */
export interface FaultSpec {
  /** A send the carrier refuses for now (throttling): the queue retries it. */
  sns: number;
  /** The process dies after the carrier accepted a message and before the ledger recorded it. */
  crash: number;
  /** The scheduler delivers a day's sweep twice. */
  dup: number;
}

export function parseFaults(spec: string | undefined): FaultSpec {
  const faults: FaultSpec = { sns: 0, crash: 0, dup: 0 };
  if (!spec) return faults;
  for (const part of spec.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    const p = Number(value);
    if (!(name === 'sns' || name === 'crash' || name === 'dup') || !(p >= 0 && p <= 1)) {
      throw new Error(`--faults: "${part}" is not one of sns=P, crash=P, dup=P with 0 ≤ P ≤ 1`);
    }
    faults[name] = p;
  }
  return faults;
}

/** mulberry32: a small seeded generator, so a seed replays the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Thrown on purpose by fault injection between the carrier's accept and the ledger update. */
export class SimulatedCrashError extends Error {
  override name = 'SimulatedCrashError';
}
