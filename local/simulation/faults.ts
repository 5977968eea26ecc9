/**
 * `--faults sns=0.2,death=0.05,redeliver=0.1,dup=0.1,throttle=0.2,bus=0.1`: how often each fault is
 * injected (each a probability from 0 to 1).
 */
export interface FaultSpec {
  /** A send the carrier refuses for now (a transient failure): the queue delivers the job again. */
  sns: number;
  /** The sender dies between the carrier's accept and the ledger's record (the classic crash). */
  crash: number;
  /** The sender invocation dies at a random step: before the claim, between claim and carrier, between carrier and ledger, or between ledger and delete. */
  death: number;
  /** SQS delivers a message twice (the copies may go to two workers at once). */
  redeliver: number;
  /** The scheduler fires the day's sweep twice, concurrently. */
  dup: number;
  /** Per simulated day: the carrier throttles every send for ten minutes from the sweep's hour. */
  throttle: number;
  /** PutEvents fails (the outbox publisher retries from the stream). */
  bus: number;
}

const NAMES = ['sns', 'crash', 'death', 'redeliver', 'dup', 'throttle', 'bus'] as const;

export function parseFaults(spec: string | undefined): FaultSpec {
  const faults: FaultSpec = { sns: 0, crash: 0, death: 0, redeliver: 0, dup: 0, throttle: 0, bus: 0 };
  if (!spec) return faults;
  for (const part of spec.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    const p = Number(value);
    if (!NAMES.includes(name as (typeof NAMES)[number]) || !(p >= 0 && p <= 1)) {
      throw new Error(
        `--faults: "${part}" is not one of ${NAMES.map((n) => `${n}=P`).join(', ')} with 0 ≤ P ≤ 1`,
      );
    }
    faults[name as (typeof NAMES)[number]] = p;
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

/** Thrown on purpose by fault injection: the invocation dies there. */
export class SimulatedCrashError extends Error {
  override name = 'SimulatedCrashError';
}
