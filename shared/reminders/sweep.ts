import type { LocalDate } from '#shared/lending/types.ts';
import type { SweepSlice } from '#shared/schemas/sweep-slice.ts';
import { startDailySweep } from './start-sweep.ts';
import { runSweepSlice, type SweepSliceDeps } from './sweep-slice.ts';

export type SweepDeps = Omit<SweepSliceDeps, 'slices' | 'repos'> & {
  repos: SweepSliceDeps['repos'];
};

export interface SweepResult {
  status: 'swept' | 'already-done';
  installments: number;
  jobs: number;
  /** Read units the due-index queries consumed: the sweep reads nothing else. */
  readUnits: number;
  slices: number;
}

/**
 * A whole day's sweep in one process (an operator's replay, the local runner, tests): the coordinator
 * queues the slices in memory and each runs to its end here, in order. On AWS the same two use cases
 * run as the scheduled coordinator and the SQS-driven slice workers.
 */
export async function sweepReminders(deps: SweepDeps, businessDate: LocalDate): Promise<SweepResult> {
  const pending: SweepSlice[] = [];
  const slices = { enqueue: async (more: SweepSlice[]) => void pending.push(...more) };
  await startDailySweep({ ...deps, slices }, businessDate);
  const total = { installments: 0, jobs: 0, readUnits: 0, slices: 0 };
  let ran = 0;
  for (let slice = pending.shift(); slice; slice = pending.shift()) {
    const result = await runSweepSlice({ ...deps, slices }, slice, { owner: 'inline', spent: () => false });
    total.slices += 1;
    if (result.status === 'already-done') continue;
    ran += 1;
    total.installments += result.counts.installments;
    total.jobs += result.counts.jobs;
    total.readUnits += result.counts.readUnits;
  }
  return { status: ran > 0 ? 'swept' : 'already-done', ...total };
}
