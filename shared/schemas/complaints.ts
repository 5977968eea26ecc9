import * as z from 'zod';

/** The ops API's complaint inputs and answers (an inbound message that was not an opt-out keyword). */

export const complaintIdParamsSchema = z.strictObject({
  complaintId: z
    .string()
    .regex(/^cmp-[0-9a-f]{24}$/, 'a complaint id (cmp- and 24 hex digits)')
    .meta({ description: 'The complaint’s id.' }),
});

export const listComplaintsQuerySchema = z.strictObject({
  status: z.enum(['open', 'closed']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});
export type ListComplaintsQuery = z.infer<typeof listComplaintsQuerySchema>;

/** The answer is kept beside the audit trail for years: free of personal data (checked, 422 naming it). */
export const answerComplaintRequestSchema = z.strictObject({ answer: z.string().min(1).max(1000) });
export type AnswerComplaintRequest = z.infer<typeof answerComplaintRequestSchema>;

export const complaintSchema = z
  .object({
    complaintId: z.string(),
    receivedAt: z.string(),
    borrowers: z
      .array(z.object({ partnerId: z.string(), borrowerId: z.string() }))
      .meta({ description: 'Who uses the number it came from (empty: a number Duebell does not know).' }),
    text: z.string().meta({ description: 'The message as received (personal data: for the desk only).' }),
    status: z.enum(['open', 'closed']),
    ageMinutes: z.number().int(),
    answerDueAt: z.string().meta({ description: 'Answered by then (1 business day by default).' }),
    overdue: z.boolean(),
    answer: z.string().optional(),
    answeredBy: z.string().optional(),
    answeredAt: z.string().optional(),
  })
  .meta({ id: 'Complaint' });

export const complaintPageSchema = z
  .object({
    complaints: z.array(complaintSchema),
    cursor: z
      .string()
      .optional()
      .meta({ description: 'Present when there may be more: pass it back as `cursor`.' }),
  })
  .meta({ id: 'ComplaintPage' });

export const complaintWithAuditSchema = complaintSchema
  .extend({
    audit: z.array(
      z.object({
        auditId: z.string(),
        complaintId: z.string(),
        userId: z.string(),
        at: z.string(),
        action: z.enum(['complaint.answer']),
        inputs: z.record(z.string(), z.unknown()),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'ComplaintWithAudit' });
