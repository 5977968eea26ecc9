/** Makes ids; a simulation swaps in a seeded one so runs are byte-identical. */
export interface IdGenerator {
  next(prefix: string): string;
}
