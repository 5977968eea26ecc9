import * as z from 'zod';
import { decisionReviewSchema } from './applications.ts';
import { externalIdSchema } from './common.ts';

/** The ops API's inputs and answers for reviews of automated declines. */

export const reviewParamsSchema = z.strictObject({ applicationId: externalIdSchema });

export const listReviewsQuerySchema = z.strictObject({
  status: z.enum(['open', 'closed']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});
export type ListReviewsQuery = z.infer<typeof listReviewsQuerySchema>;

export const answerReviewRequestSchema = z.strictObject({
  outcome: z.enum(['upheld', 'overturned']),
  reason: z.string().min(1).max(1000),
});
export type AnswerReviewRequest = z.infer<typeof answerReviewRequestSchema>;

export const reviewSchema = z
  .object({
    applicationId: z.string(),
    partnerId: z.string(),
    borrowerId: z.string(),
    decidedAt: z.string(),
    score: z.number().int(),
    grade: z.enum(['A', 'B', 'C', 'D', 'E']),
    reasons: z.array(z.object({ code: z.string() })),
    modelVersion: z.string(),
    review: decisionReviewSchema,
    ageMinutes: z.number().int(),
  })
  .meta({ id: 'Review' });

export const reviewPageSchema = z
  .object({
    reviews: z.array(reviewSchema),
    cursor: z
      .string()
      .optional()
      .meta({ description: 'Present when there may be more: pass it back as `cursor`.' }),
  })
  .meta({ id: 'ReviewPage' });

export const reviewWithAuditSchema = reviewSchema
  .extend({
    audit: z.array(
      z.object({
        auditId: z.string(),
        applicationId: z.string(),
        partnerId: z.string(),
        userId: z.string(),
        at: z.string(),
        action: z.enum(['review.answer']),
        inputs: z.record(z.string(), z.unknown()),
        reason: z.string(),
      }),
    ),
  })
  .meta({ id: 'ReviewWithAudit' });
