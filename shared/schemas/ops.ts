import * as z from 'zod';
import {
  bpsSchema,
  deferralDaysSchema,
  externalIdSchema,
  fenSchema,
  instantSchema,
  localDateSchema,
  positiveFenSchema,
} from './common.ts';
import { hardshipPlanSchema } from './servicing.ts';

/**
 * The ops API's inputs. A desk task's id in the API names its loan and its task (tasks are stored under
 * their loan): `base64url("<loanId>|<taskId>")`, opaque to the desk.
 */
export function deskTaskId(loanId: string, taskId: string): string {
  return Buffer.from(`${loanId}|${taskId}`).toString('base64url');
}

export const deskTaskParamsSchema = z.strictObject({
  taskId: z
    .string()
    .min(1)
    .max(512)
    .transform((id, ctx) => {
      const [loanId, taskId, ...rest] = Buffer.from(id, 'base64url').toString('utf8').split('|');
      if (!loanId || !taskId || rest.length > 0 || deskTaskId(loanId, taskId) !== id) {
        ctx.addIssue({ code: 'custom', message: 'not a desk task id' });
        return z.NEVER;
      }
      return { loanId, taskId };
    }),
});

export const listTasksQuerySchema = z.strictObject({
  status: z.enum(['open', 'claimed', 'done']).default('open'),
  rung: z.string().min(1).max(64).optional(),
  partnerId: externalIdSchema.optional(),
  /** Tasks opened before this instant. */
  dueBefore: instantSchema.transform((at) => new Date(at).toISOString()).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});
export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

/** Free text for people (no personal data: checked by the desk, 422 naming the field). */
const noteSchema = z.string().min(1).max(500);

export const outcomeRequestSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.enum(['reached', 'no_answer', 'wrong_number', 'refused', 'dispute']),
    note: noteSchema.optional(),
  }),
  z.strictObject({
    outcome: z.literal('promise_to_pay'),
    date: localDateSchema,
    amount: positiveFenSchema,
    note: noteSchema.optional(),
  }),
]);
export type OutcomeRequest = z.infer<typeof outcomeRequestSchema>;

export const releaseRequestSchema = z.strictObject({ reason: noteSchema.optional() });
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

// --- answers ---------------------------------------------------------------------------------------------

export const deskTaskSchema = z
  .object({
    taskId: z.string().meta({ description: 'The desk’s id of the task (opaque).' }),
    loanId: z.string(),
    partnerId: z.string().meta({ description: 'The partner the loan belongs to.' }),
    borrowerId: z.string(),
    episode: z.number().int(),
    rung: z.string(),
    installmentNo: z.number().int(),
    status: z.enum(['open', 'claimed', 'done']),
    createdAt: z.string().meta({ description: 'When the rung opened it: the task is due from then.' }),
    claimedBy: z.string().optional(),
    leaseUntil: z.string().optional(),
    outcome: z
      .enum(['reached', 'no_answer', 'wrong_number', 'refused', 'dispute', 'promise_to_pay'])
      .optional(),
    note: z.string().optional(),
    completedAt: z.string().optional(),
    completedBy: z.string().optional(),
    promise: z
      .object({ date: localDateSchema, amount: positiveFenSchema, status: z.enum(['open']) })
      .passthrough()
      .optional(),
  })
  .meta({ id: 'DeskTask' });

export const deskTaskPageSchema = z
  .object({
    tasks: z.array(deskTaskSchema),
    cursor: z
      .string()
      .optional()
      .meta({ description: 'Present when there may be more: pass it back as `cursor`.' }),
  })
  .meta({ id: 'DeskTaskPage' });

export const auditTrailSchema = z
  .object({
    loanId: z.string(),
    partnerId: z.string(),
    records: z.array(
      z.object({
        auditId: z.string(),
        loanId: z.string(),
        partnerId: z.string(),
        userId: z.string().meta({ description: 'The Cognito `sub` of who acted.' }),
        at: z.string(),
        action: z.enum([
          'task.claim',
          'task.release',
          'task.outcome',
          // The supervisor's actions.
          'hardship.decision',
          'loan.restructure',
          'charges.waive',
          'hardship.bulk_deferral',
          'dispute.resolve',
        ]),
        inputs: z
          .record(z.string(), z.unknown())
          .meta({ description: 'Ids, codes, amounts and dates: no personal data.' }),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'AuditTrail' });

export const supervisionSchema = z
  .object({ userId: z.string(), groups: z.array(z.enum(['agent', 'supervisor'])) })
  .meta({ id: 'Supervision' });

// --- the supervisor's actions ----------------------------------------------------------------------------

/** Why, for people (no personal data: checked by the desk, 422 naming the field). */
const reasonSchema = z.string().min(1).max(500);

export const hardshipPlanParamsSchema = z.strictObject({
  loanId: externalIdSchema,
  planId: externalIdSchema,
});

export const hardshipDecisionRequestSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('grant'),
      deferralDays: deferralDaysSchema.meta({ description: 'Within the per-plan and lifetime limits.' }),
      reason: reasonSchema.optional(),
    }),
    z.strictObject({ decision: z.literal('refuse'), reason: reasonSchema }),
  ])
  .meta({ id: 'HardshipDecisionRequest' });
export type HardshipDecisionRequest = z.infer<typeof hardshipDecisionRequestSchema>;

export const restructureRequestSchema = z
  .strictObject({
    termMonths: z
      .number()
      .int()
      .min(1)
      .max(36)
      .meta({ format: 'int32', description: 'Monthly installments of the new schedule, from today.' }),
    aprBps: bpsSchema
      .optional()
      .meta({ description: 'The new APR: at most the contract’s (the default), never above the cap.' }),
    reason: reasonSchema.optional(),
  })
  .meta({ id: 'RestructureRequest' });
export type RestructureRequest = z.infer<typeof restructureRequestSchema>;

export const waiverRequestSchema = z
  .strictObject({
    penalty: fenSchema
      .default(0)
      .meta({ description: 'Penalty interest to waive: at most what has accrued.' }),
    interest: fenSchema
      .default(0)
      .meta({ description: 'Contract interest to waive: at most half of what is due.' }),
    reason: reasonSchema,
  })
  .refine((w) => w.penalty + w.interest > 0, { message: 'waive some penalty or interest', path: ['penalty'] })
  .meta({ id: 'WaiverRequest' });
export type WaiverRequest = z.infer<typeof waiverRequestSchema>;

export const bulkDeferralRequestSchema = z
  .union([
    z.strictObject({
      loanIds: z
        .array(externalIdSchema)
        .min(1)
        .max(1000)
        .refine((ids) => new Set(ids).size === ids.length, 'each loan once')
        .meta({ uniqueItems: true }),
      reason: z.enum(['natural_disaster', 'epidemic']),
      deferralDays: deferralDaysSchema,
    }),
    z.strictObject({
      province: z
        .string()
        .regex(/^\d{2}$/, 'the 2-digit province code of the ID number')
        .meta({
          description: 'Every active loan of the borrowers of this province (ID number’s first 2 digits).',
        }),
      reason: z.enum(['natural_disaster', 'epidemic']),
      deferralDays: deferralDaysSchema,
    }),
  ])
  .meta({ id: 'BulkDeferralRequest' });
export type BulkDeferralRequest = z.infer<typeof bulkDeferralRequestSchema>;

export const hardshipDecisionSchema = z
  .object({ loanId: z.string(), partnerId: z.string(), plan: hardshipPlanSchema })
  .meta({ id: 'DeskHardshipDecision' });

export const restructuringSchema = z
  .object({
    loanId: z.string(),
    partnerId: z.string(),
    restructuring: z.object({
      on: localDateSchema,
      at: z.string(),
      termMonths: z.number().int(),
      aprBps: bpsSchema,
      previousAprBps: bpsSchema,
      previousTermMonths: z.number().int(),
      principal: fenSchema,
      carriedInterest: fenSchema,
      carriedFee: fenSchema,
      carriedPenalty: fenSchema.meta({
        description: 'Penalty owed at the change: owed with the first new installment, never capitalized.',
      }),
      firstInstallmentNo: z.number().int(),
      firstDueDate: localDateSchema,
    }),
  })
  .meta({ id: 'Restructuring' });

export const waiverResultSchema = z
  .object({
    loanId: z.string(),
    partnerId: z.string(),
    waived: z.object({
      penalty: fenSchema,
      interest: fenSchema,
      installments: z.array(
        z.object({ installmentNo: z.number().int(), penalty: fenSchema, interest: fenSchema }),
      ),
    }),
    outstanding: z.object({ principal: fenSchema, interest: fenSchema, fee: fenSchema, penalty: fenSchema }),
  })
  .meta({ id: 'WaiverResult' });

export const bulkDeferralResultSchema = z
  .object({
    actionId: z.string(),
    results: z.array(
      z.object({
        loanId: z.string(),
        result: z.enum(['granted', 'refused', 'not_found']),
        reason: z
          .string()
          .optional()
          .meta({ description: 'The rule that refused it (codes, comma-separated).' }),
        planId: z.string().optional(),
        startsOn: localDateSchema.optional(),
        endsOn: localDateSchema.optional(),
      }),
    ),
    counts: z.object({ granted: z.number().int(), refused: z.number().int(), notFound: z.number().int() }),
  })
  .meta({ id: 'BulkDeferralResult' });

// --- disputes ----------------------------------------------------------------------------------------------

export const disputeResolutionRequestSchema = z
  .strictObject({
    resolution: z.enum(['upheld', 'rejected']).meta({
      description: '`upheld`: the borrower was right (any waiver is its own action); `rejected`: not.',
    }),
    reason: noteSchema.meta({ description: 'Why (no personal data: checked, 422 naming the field).' }),
  })
  .meta({ id: 'DisputeResolutionRequest' });
export type DisputeResolutionRequest = z.infer<typeof disputeResolutionRequestSchema>;

export const disputeResolutionSchema = z
  .object({
    loanId: z.string(),
    partnerId: z.string(),
    resolution: z.enum(['upheld', 'rejected']),
    resolvedAt: z.string(),
    resolvedBy: z.string().meta({ description: 'The Cognito `sub` of the supervisor.' }),
  })
  .meta({ id: 'DisputeResolution' });
