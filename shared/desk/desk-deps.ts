import type { Rules } from '#shared/config/rules.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeskStore } from '#shared/ports/desk.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { BorrowerStore, LoanStore } from '#shared/ports/stores.ts';

/** What the desk's use cases load from and save to. */
export interface DeskDeps {
  rules: Rules;
  desk: DeskStore;
  repos: { loans: LoanStore; borrowers: BorrowerStore };
  clock: Clock;
  ids: IdGenerator;
}
