import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertFen, InvalidMoneyError, roundHalfUpDiv, sumFen, toFen } from '#shared/lending/money.ts';

describe('roundHalfUpDiv', () => {
  it('rounds halves away from zero for every combination of signs', () => {
    expect(roundHalfUpDiv(5n, 2n)).toBe(3n);
    expect(roundHalfUpDiv(-5n, 2n)).toBe(-3n);
    expect(roundHalfUpDiv(5n, -2n)).toBe(-3n);
    expect(roundHalfUpDiv(-5n, -2n)).toBe(3n);
  });

  it('rounds below a half toward zero and above a half away from it, whatever the signs', () => {
    expect(roundHalfUpDiv(4n, 3n)).toBe(1n);
    expect(roundHalfUpDiv(-4n, 3n)).toBe(-1n);
    expect(roundHalfUpDiv(5n, 3n)).toBe(2n);
    expect(roundHalfUpDiv(5n, -3n)).toBe(-2n);
  });

  it('gives zero for a zero numerator over a negative denominator', () => {
    expect(roundHalfUpDiv(0n, -7n)).toBe(0n);
    expect(roundHalfUpDiv(0n, 7n)).toBe(0n);
  });

  it('is within half of the exact quotient, on the same side of zero, for any signs', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }).filter((d) => d !== 0n),
        (n, d) => {
          const q = roundHalfUpDiv(n, d);
          // |2·(n − q·d)| ≤ |d|: q is the nearest integer to n/d.
          const twiceError = 2n * (n - q * d);
          expect(twiceError <= (d < 0n ? -d : d) && -twiceError <= (d < 0n ? -d : d)).toBe(true);
          if (q !== 0n) expect(q < 0n).toBe(n < 0n !== d < 0n);
        },
      ),
    );
  });

  it('refuses to divide by zero', () => {
    expect(() => roundHalfUpDiv(1n, 0n)).toThrow(/division by zero/);
  });
});

describe('fen checks', () => {
  it('accepts whole numbers of fen and names what was not one', () => {
    expect(assertFen(-12, 'credit')).toBe(-12);
    expect(() => assertFen(1.5, 'principal')).toThrow(
      new InvalidMoneyError('principal must be a whole number of fen, got 1.5'),
    );
    expect(() => assertFen(2 ** 53, 'principal')).toThrow(InvalidMoneyError);
  });

  it('names its error class, so callers and logs can tell it apart', () => {
    expect(new InvalidMoneyError('x').name).toBe('InvalidMoneyError');
  });

  it('converts a bigint back to fen, and calls it an amount unless told otherwise', () => {
    expect(toFen(123n)).toBe(123);
    expect(() => toFen(2n ** 60n)).toThrow(/^amount must be a whole number of fen/);
    expect(() => toFen(2n ** 60n, 'penalty')).toThrow(/^penalty must/);
  });

  it('adds amounts', () => {
    expect(sumFen([])).toBe(0);
    expect(sumFen([3, 4, -2])).toBe(5);
  });
});
