import { randomBytes } from 'node:crypto';

/** Makes ids; a simulation swaps in a seeded one so runs are byte-identical. */
export interface IdGenerator {
  next(prefix: string): string;
}

/** Time-ordered, unguessable ids: `app_` + 12 hex of ms + 16 random hex. */
export const randomIds: IdGenerator = {
  next: (prefix) => `${prefix}_${Date.now().toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`,
};

/** Deterministic ids for simulations and tests. */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly seed = 0) {}
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}_${String(this.seed).padStart(4, '0')}${String(this.n).padStart(8, '0')}`;
  }
}
