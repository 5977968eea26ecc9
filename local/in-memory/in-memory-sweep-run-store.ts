import type { SweepRunStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';

interface SweepRun {
  status: 'running' | 'done';
  leaseUntil?: string;
  startedAt?: string;
  attempts: number;
  duplicateDeliveries: number;
  summary?: Record<string, number>;
}

/** One sweep per business date, in memory: started once, taken over when its lease ran out, done for good. */
export class InMemorySweepRunStore implements SweepRunStore {
  private readonly runs = new Map<string, SweepRun>();

  async begin(
    businessDate: string,
    now: Date,
    leaseSeconds: number,
  ): Promise<'started' | 'done' | 'running'> {
    const run = this.runs.get(businessDate);
    const at = now.toISOString();
    if (!run || (run.status === 'running' && run.leaseUntil !== undefined && run.leaseUntil < at)) {
      this.runs.set(businessDate, {
        duplicateDeliveries: 0,
        ...run,
        status: 'running',
        leaseUntil: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
        startedAt: at,
        attempts: (run?.attempts ?? 0) + 1,
      });
      return 'started';
    }
    run.duplicateDeliveries += 1;
    return run.status === 'done' ? 'done' : 'running';
  }

  /** Marks the date done (whether or not a run of it was begun, as the repository's update does). */
  async complete(businessDate: string, summary: Record<string, number>): Promise<void> {
    const run = this.runs.get(businessDate);
    this.runs.set(businessDate, {
      attempts: 0,
      duplicateDeliveries: 0,
      ...run,
      status: 'done',
      summary: stored(summary),
    });
  }
}
