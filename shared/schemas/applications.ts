import * as z from 'zod';
import { birthDateOfPrcId, isValidPrcId } from '#shared/identity/prc-id.ts';
import { reasonTexts } from '#shared/scoring/reasons.ts';
import {
  bpsSchema,
  consentsSchema,
  e164Schema,
  externalIdSchema,
  fenSchema,
  instantSchema,
  localDateSchema,
  positiveFenSchema,
  repaymentMethodSchema,
  termMonthsSchema,
} from './common.ts';

const count = z.number().int().min(0).max(100_000).meta({ format: 'int32' });
const months = z.number().int().min(0).max(1200).meta({ format: 'int32' });

export const applicationRequestSchema = z
  .strictObject({
    borrowerId: externalIdSchema
      .optional()
      .meta({ description: "The partner's own id for the applicant; assigned when absent." }),
    applicant: z.strictObject({
      idNumber: z
        .string()
        .refine(isValidPrcId, '18-character PRC resident ID with a valid check character')
        .meta({
          description: '18-character PRC resident ID (GB 11643); the check character is validated.',
          pattern: '^\\d{17}[\\dXx]$',
        }),
      name: z.string().trim().min(1).max(100),
      phone: e164Schema,
      email: z.email().max(254).optional(),
      birthDate: localDateSchema,
      employment: z.strictObject({
        status: z.enum(['employed', 'self_employed', 'unemployed', 'student', 'retired']),
        monthsInCurrentJob: months,
        monthlyIncome: fenSchema,
      }),
      monthlyDebtPayments: fenSchema,
    }),
    bureau: z.strictObject({
      activeLoansOtherLenders: count,
      inquiriesLast90Days: count,
      worstDpdLast12Months: z.number().int().min(0).max(10_000).meta({ format: 'int32' }),
      creditHistoryMonths: months,
    }),
    request: z.strictObject({
      amount: positiveFenSchema,
      termMonths: termMonthsSchema.meta({ description: '1 to 24 months; bullet loans 1 to 12.' }),
      repaymentMethod: repaymentMethodSchema,
    }),
    consents: consentsSchema.meta({
      description:
        "What the applicant consented to, stored with the borrower: a later application of the partner's same " +
        'borrower replaces them, and contact preferences can change them.',
    }),
  })
  .superRefine((body, ctx) => {
    const { idNumber, birthDate } = body.applicant;
    if (isValidPrcId(idNumber) && birthDateOfPrcId(idNumber) !== birthDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['applicant', 'birthDate'],
        message: 'does not match the birth date in idNumber',
      });
    }
    if (body.request.repaymentMethod === 'bullet' && body.request.termMonths > 12) {
      ctx.addIssue({
        code: 'custom',
        path: ['request', 'termMonths'],
        message: 'bullet loans run 1 to 12 months',
      });
    }
  })
  .meta({ id: 'ApplicationRequest' });

export type ApplicationRequest = z.infer<typeof applicationRequestSchema>;

export const reasonSchema = z.object({
  code: z.string().meta({ description: `One of ${Object.keys(reasonTexts).join(', ')}.` }),
  text: z.string().meta({ description: 'In the language Accept-Language prefers (zh-CN or en).' }),
});

export const offerSchema = z.object({
  amount: fenSchema,
  termMonths: termMonthsSchema,
  aprBps: bpsSchema,
  repaymentMethod: repaymentMethodSchema,
  installmentAmount: fenSchema.meta({ description: 'The largest scheduled installment.' }),
  totalRepayable: fenSchema,
});

export const decisionReviewSchema = z
  .object({
    status: z.enum(['requested', 'upheld', 'overturned']),
    requestedAt: instantSchema,
    grounds: z.string().optional(),
    answeredAt: instantSchema.optional(),
    answeredBy: z.string().optional().meta({ description: 'The reviewing supervisor’s user id.' }),
    reason: z
      .string()
      .optional()
      .meta({ description: 'Why the supervisor upheld or overturned the decline.' }),
  })
  .meta({ id: 'DecisionReview' });

/** The borrower's grounds for a review, free of personal data (checked, 422 naming the field). */
export const reviewRequestSchema = z.strictObject({ grounds: z.string().min(1).max(1000).optional() });
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;

export const reviewRequestResultSchema = z
  .object({ applicationId: z.string(), review: decisionReviewSchema })
  .meta({ id: 'ReviewRequestResult' });

export const decisionSchema = z
  .object({
    applicationId: z.string(),
    borrowerId: z.string(),
    decision: z.enum(['approve', 'refer', 'decline']),
    score: z.number().int().min(-2_147_483_648).max(2_147_483_647).meta({ format: 'int32' }),
    grade: z.enum(['A', 'B', 'C', 'D', 'E']),
    reasons: z.array(reasonSchema).max(4),
    offer: offerSchema.nullable(),
    modelVersion: z.string(),
    createdAt: instantSchema,
    expiresAt: instantSchema,
    review: decisionReviewSchema
      .optional()
      .meta({ description: 'A person’s review of a decline, once the borrower asked for one.' }),
  })
  .meta({ id: 'Decision' });

export type Decision = z.infer<typeof decisionSchema>;

export const applicationIdParamsSchema = z.strictObject({ applicationId: externalIdSchema });
