import * as z from 'zod';
import {
  bpsSchema,
  channelSchema,
  externalIdSchema,
  fenSchema,
  instantSchema,
  languageSchema,
  localDateSchema,
  positiveFenSchema,
  repaymentMethodSchema,
  timeZoneSchema,
} from './common.ts';

export const loanIdParamsSchema = z.strictObject({ loanId: externalIdSchema });
export const borrowerIdParamsSchema = z.strictObject({ borrowerId: externalIdSchema });

export const bookLoanRequestSchema = z
  .strictObject({
    applicationId: externalIdSchema,
    amount: positiveFenSchema.optional().meta({ description: 'Defaults to the offer; at most the offer.' }),
    termMonths: z
      .number()
      .int()
      .min(1)
      .max(24)
      .optional()
      .meta({ description: 'Defaults to the offer; at most the offer.' }),
    aprBps: bpsSchema.optional().meta({ description: 'Defaults to the offer; at most the offer.' }),
    disbursedOn: localDateSchema
      .optional()
      .meta({ description: 'Defaults to today in the lender time zone.' }),
  })
  .meta({ id: 'BookLoanRequest' });
export type BookLoanRequest = z.infer<typeof bookLoanRequestSchema>;

export const paymentRequestSchema = z
  .strictObject({
    paymentId: externalIdSchema,
    amount: positiveFenSchema,
    paidAt: instantSchema,
  })
  .meta({ id: 'PaymentRequest' });
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

export const hardshipReasonSchema = z.enum([
  'natural_disaster',
  'epidemic',
  'illness',
  'unemployment',
  'other',
]);

export const hardshipRequestSchema = z
  .strictObject({
    reason: hardshipReasonSchema,
    deferralDays: z.number().int().min(1).max(365),
  })
  .meta({ id: 'HardshipRequest' });
export type HardshipRequest = z.infer<typeof hardshipRequestSchema>;

export const contactPreferencesSchema = z
  .strictObject({
    language: languageSchema,
    timezone: timeZoneSchema,
    optOut: z
      .array(channelSchema)
      .max(2)
      .refine((a) => new Set(a).size === a.length, 'each channel once'),
    consents: z.strictObject({ sensitiveData: z.boolean(), shareWithCollectionAgencies: z.boolean() }),
  })
  .meta({ id: 'ContactPreferences' });

const componentsSchema = z.object({
  principal: fenSchema,
  interest: fenSchema,
  fee: fenSchema,
  penalty: fenSchema,
  total: fenSchema,
});

export const installmentViewSchema = z.object({
  installmentNo: z.number().int(),
  dueDate: localDateSchema,
  status: z.enum(['paid', 'partially_paid', 'due', 'overdue', 'upcoming']),
  due: componentsSchema,
  paid: componentsSchema,
  outstanding: componentsSchema,
  /** Days since this installment's due date while anything of it is unpaid. */
  daysPastDue: z.number().int(),
  paidOn: localDateSchema.nullable(),
});

export const hardshipPlanSchema = z.object({
  planId: z.string(),
  status: z.enum(['granted', 'referred']),
  reason: hardshipReasonSchema,
  deferralDays: z.number().int(),
  requestedAt: instantSchema,
  startsOn: localDateSchema.nullable(),
  endsOn: localDateSchema.nullable(),
  referralReasons: z.array(z.string()),
});

export const loanViewSchema = z
  .object({
    loanId: z.string(),
    borrowerId: z.string(),
    applicationId: z.string().nullable(),
    status: z.enum(['active', 'paid_off', 'charged_off']),
    principal: fenSchema,
    aprBps: bpsSchema,
    termMonths: z.number().int(),
    repaymentMethod: repaymentMethodSchema,
    disbursedOn: localDateSchema,
    asOf: localDateSchema,
    daysPastDue: z.number().int(),
    bucket: z.enum(['current', 'M1', 'M2', 'M3', 'M3+']),
    delinquency: z.enum(['current', 'grace', 'delinquent', 'non_performing', 'charged_off']),
    classification: z.enum(['partial', 'full', 'consecutive']).nullable(),
    escalationStage: z.string().nullable(),
    hardshipPlan: hardshipPlanSchema.nullable(),
    outstanding: componentsSchema,
    creditBalance: fenSchema,
    installments: z.array(installmentViewSchema),
  })
  .meta({ id: 'Loan' });

export const paymentResultSchema = z
  .object({
    paymentId: z.string(),
    loanId: z.string(),
    amount: fenSchema,
    paidAt: instantSchema,
    allocations: z.array(
      z.object({
        installmentNo: z.number().int(),
        fee: fenSchema,
        penalty: fenSchema,
        interest: fenSchema,
        principal: fenSchema,
      }),
    ),
    credit: fenSchema,
    loanStatus: z.enum(['active', 'paid_off', 'charged_off']),
    daysPastDue: z.number().int(),
    cured: z.boolean(),
  })
  .meta({ id: 'PaymentResult' });

export const hardshipResultSchema = hardshipPlanSchema.meta({ id: 'HardshipDecision' });
