import type { Fen } from './types.ts';

export class InvalidMoneyError extends Error {
  override name = 'InvalidMoneyError';
}

export function assertFen(n: number, what: string): Fen {
  if (!Number.isSafeInteger(n))
    throw new InvalidMoneyError(`${what} must be a whole number of fen, got ${n}`);
  return n;
}

/** numerator / denominator rounded half away from zero: the one rounding step of every computed amount. */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

/** bigint back to fen, refusing anything outside the safe-integer range. */
export function toFen(value: bigint, what = 'amount'): Fen {
  const n = Number(value);
  return assertFen(n, what);
}

export function sumFen(values: readonly Fen[]): Fen {
  return values.reduce((a, b) => a + b, 0);
}
