import { SliceLeaseLost } from '#shared/errors/domain-errors.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { SliceBegin, SliceCounts } from '#shared/ports/records.ts';
import type { SweepSliceStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';

interface Slice {
  status: 'running' | 'done';
  owner: string;
  leaseUntil: string;
  checkpoint?: string;
  counts: SliceCounts;
}

const NO_COUNTS: SliceCounts = { pages: 0, installments: 0, jobs: 0, readUnits: 0 };

/** Sweep slices and the cursor in memory, with the repository's lease and ownership rules. */
export class InMemorySweepSliceStore implements SweepSliceStore {
  private readonly slices = new Map<string, Slice>();
  private cursor: LocalDate | undefined;

  async begin(
    businessDate: string,
    sliceId: string,
    owner: string,
    now: Date,
    leaseSeconds: number,
  ): Promise<SliceBegin> {
    const id = `${businessDate}#${sliceId}`;
    const slice = this.slices.get(id);
    if (slice?.status === 'done') return { kind: 'done', counts: stored(slice.counts) };
    if (slice && slice.leaseUntil >= now.toISOString()) return { kind: 'busy', leaseUntil: slice.leaseUntil };
    const taken: Slice = {
      counts: NO_COUNTS,
      ...slice,
      status: 'running',
      owner,
      leaseUntil: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    };
    this.slices.set(id, taken);
    return {
      kind: 'started',
      ...(taken.checkpoint !== undefined ? { checkpoint: taken.checkpoint } : {}),
      counts: stored(taken.counts),
    };
  }

  async checkpoint(
    businessDate: string,
    sliceId: string,
    owner: string,
    next: string | undefined,
    counts: SliceCounts,
    leaseUntil: Date,
  ): Promise<void> {
    const slice = this.owned(businessDate, sliceId, owner);
    slice.counts = stored(counts);
    slice.leaseUntil = leaseUntil.toISOString();
    if (next === undefined) delete slice.checkpoint;
    else slice.checkpoint = next;
  }

  async complete(businessDate: string, sliceId: string, owner: string, counts: SliceCounts): Promise<void> {
    const slice = this.owned(businessDate, sliceId, owner);
    slice.status = 'done';
    slice.counts = stored(counts);
    delete slice.checkpoint;
  }

  async lastSweptDate(): Promise<LocalDate | undefined> {
    return this.cursor;
  }

  async advanceCursor(businessDate: LocalDate): Promise<void> {
    if (this.cursor === undefined || this.cursor < businessDate) this.cursor = businessDate;
  }

  private owned(businessDate: string, sliceId: string, owner: string): Slice {
    const slice = this.slices.get(`${businessDate}#${sliceId}`);
    if (!slice || slice.owner !== owner || slice.status !== 'running')
      throw new SliceLeaseLost(`slice ${sliceId} was taken over`);
    return slice;
  }
}
