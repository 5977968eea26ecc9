import * as z from 'zod';
import { localDateSchema } from './common.ts';

/**
 * One slice of a business date's sweep, as the coordinator queues it: the reminders of one stage for
 * one due date and one due-index shard (`remind`), or the episodes to start from one shard of the
 * installments whose grace ended (`escalate`).
 */
export const sweepSliceSchema = z.strictObject({
  businessDate: localDateSchema,
  kind: z.enum(['remind', 'escalate']),
  stage: z.string().min(1).optional(),
  dueDate: localDateSchema,
  shard: z.number().int().min(0),
});

export type SweepSlice = z.infer<typeof sweepSliceSchema>;

/** The slice's id within its business date (its lease and checkpoint are kept under it). */
export function sliceIdOf(slice: SweepSlice): string {
  return `${slice.kind}#${slice.stage ?? '-'}#${slice.dueDate}#${slice.shard}`;
}
