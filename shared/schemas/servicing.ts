import * as z from 'zod';
import {
  bpsSchema,
  channelSchema,
  consentsSchema,
  daysPastDueSchema,
  deferralDaysSchema,
  externalIdSchema,
  fenSchema,
  installmentNoSchema,
  instantSchema,
  languageSchema,
  localDateSchema,
  positiveFenSchema,
  repaymentMethodSchema,
  termMonthsSchema,
  timeZoneSchema,
} from './common.ts';

export const loanIdParamsSchema = z.strictObject({ loanId: externalIdSchema });
export const borrowerIdParamsSchema = z.strictObject({ borrowerId: externalIdSchema });

export const bookLoanRequestSchema = z
  .strictObject({
    applicationId: externalIdSchema,
    amount: positiveFenSchema.optional().meta({ description: 'Defaults to the offer; at most the offer.' }),
    termMonths: termMonthsSchema
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
    deferralDays: deferralDaysSchema,
  })
  .meta({ id: 'HardshipRequest' });
export type HardshipRequest = z.infer<typeof hardshipRequestSchema>;

const contactPreferencesShape = {
  language: languageSchema,
  timezone: timeZoneSchema.meta({ description: 'An IANA time zone name, e.g. Asia/Shanghai.' }),
  optOut: z
    .array(channelSchema)
    .max(2)
    .refine((a) => new Set(a).size === a.length, 'each channel once')
    .meta({ uniqueItems: true, description: 'Channels the borrower opted out of; honoured at once.' }),
  consents: consentsSchema,
};

export const contactPreferencesSchema = z
  .strictObject(contactPreferencesShape)
  .meta({ id: 'ContactPreferences' });

/** The answer to a stored preference change: the borrower and the preferences now in force. */
export const storedContactPreferencesSchema = z
  .object({ borrowerId: z.string(), ...contactPreferencesShape })
  .meta({ id: 'StoredContactPreferences' });

const componentsSchema = z.object({
  principal: fenSchema,
  interest: fenSchema,
  fee: fenSchema,
  penalty: fenSchema,
  total: fenSchema,
});

export const installmentViewSchema = z.object({
  installmentNo: installmentNoSchema,
  dueDate: localDateSchema,
  status: z.enum(['paid', 'partially_paid', 'due', 'overdue', 'upcoming']),
  due: componentsSchema,
  paid: componentsSchema,
  outstanding: componentsSchema,
  daysPastDue: daysPastDueSchema.meta({
    description: "Days since this installment's due date while anything of it is unpaid.",
  }),
  paidOn: localDateSchema.nullable(),
});

export const hardshipPlanSchema = z.object({
  planId: z.string(),
  status: z.enum(['granted', 'referred', 'refused']),
  reason: hardshipReasonSchema,
  deferralDays: deferralDaysSchema,
  requestedAt: instantSchema,
  startsOn: localDateSchema.nullable(),
  endsOn: localDateSchema.nullable(),
  referralReasons: z.array(z.string()),
  decidedAt: instantSchema.optional().meta({ description: 'When the desk decided a referred plan.' }),
  decidedBy: z.string().optional().meta({ description: 'Who decided it on the desk (the user’s id).' }),
  refusalReason: z.string().optional().meta({ description: 'Why the desk refused it.' }),
});

export const loanViewSchema = z
  .object({
    loanId: z.string(),
    borrowerId: z.string(),
    applicationId: z.string().nullable(),
    status: z.enum(['active', 'paid_off', 'charged_off']),
    principal: fenSchema,
    aprBps: bpsSchema,
    termMonths: z.number().int().min(1).max(36).meta({
      format: 'int32',
      description: 'From disbursement to the last due date (a restructuring may extend it).',
    }),
    repaymentMethod: repaymentMethodSchema,
    disbursedOn: localDateSchema,
    asOf: localDateSchema,
    daysPastDue: daysPastDueSchema,
    bucket: z.enum(['current', 'M1', 'M2', 'M3', 'M3+']),
    delinquency: z.enum(['current', 'grace', 'delinquent', 'non_performing', 'charged_off']),
    classification: z.enum(['partial', 'full', 'consecutive']).nullable(),
    escalation: z
      .object({
        episode: z.number().int().min(1).meta({ description: 'Delinquency episode of this loan, from 1' }),
        rung: z
          .string()
          .nullable()
          .meta({ description: 'Last rung of the collection ladder taken (a stage id)' }),
        since: z.iso.datetime({ offset: true }).meta({ description: 'When the episode opened' }),
        pausedUntil: z.iso
          .datetime({ offset: true })
          .nullable()
          .meta({ description: 'While a hardship plan holds the ladder, when it resumes' }),
        endedAt: z.iso.datetime({ offset: true }).nullable(),
        endReason: z.enum(['cured', 'paid_off', 'restructured', 'charged_off']).nullable(),
      })
      .nullable()
      .meta({ description: 'The delinquency episode under way, or the last one; null before the first' }),
    hardshipPlan: hardshipPlanSchema.nullable(),
    restructured: z
      .object({
        on: localDateSchema,
        termMonths: z.number().int(),
        aprBps: z.number().int(),
        previousAprBps: z.number().int(),
        firstDueDate: localDateSchema,
        carriedPenalty: fenSchema,
        observation: z.object({
          since: localDateSchema,
          endsOn: localDateSchema,
          repaymentsInARow: z.number().int(),
          status: z.enum(['observing', 'completed']),
        }),
      })
      .nullable()
      .meta({
        description:
          'The loan’s restructuring and its observation period (reported restructured until it completes); null if never',
      }),
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
        installmentNo: installmentNoSchema,
        fee: fenSchema,
        penalty: fenSchema,
        interest: fenSchema,
        principal: fenSchema,
      }),
    ),
    credit: fenSchema,
    loanStatus: z.enum(['active', 'paid_off', 'charged_off']),
    daysPastDue: daysPastDueSchema,
    cured: z.boolean(),
  })
  .meta({ id: 'PaymentResult' });

export const hardshipResultSchema = hardshipPlanSchema.meta({ id: 'HardshipDecision' });

export const promiseRequestSchema = z
  .strictObject({
    date: localDateSchema.meta({
      description: 'The last day the borrower will pay by (lender time): today to 14 days ahead.',
    }),
    amount: positiveFenSchema.meta({
      description: 'At least what one past-due installment still owes (the smallest such part).',
    }),
  })
  .meta({ id: 'PromiseRequest' });
export type PromiseRequest = z.infer<typeof promiseRequestSchema>;

export const promiseResultSchema = z
  .object({
    promiseId: z.string(),
    loanId: z.string(),
    date: localDateSchema,
    amount: fenSchema,
    madeAt: z.string(),
    status: z.enum(['open']),
    pausesLadder: z.boolean().meta({
      description:
        'Whether the collection ladder waits for it (until the day after its date); after 2 broken ' +
        'promises in an episode a promise is recorded and judged but no longer pauses it.',
    }),
  })
  .meta({ id: 'PromiseToPay' });
