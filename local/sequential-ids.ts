import type { IdGenerator } from '#shared/ports/ids.ts';

/** Deterministic ids for simulations and tests. */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly seed = 0) {}
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}_${String(this.seed).padStart(4, '0')}${String(this.n).padStart(8, '0')}`;
  }
}
