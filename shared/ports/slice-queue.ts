import type { SweepSlice } from '#shared/schemas/sweep-slice.ts';

/** Where the sweep's coordinator leaves slices for the slice workers (SQS on AWS). */
export interface SliceQueue {
  enqueue(slices: SweepSlice[]): Promise<void>;
}
