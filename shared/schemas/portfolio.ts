import * as z from 'zod';
import { isValidPrcId } from '#shared/identity/prc-id.ts';
import {
  bpsSchema,
  channelSchema,
  consentsSchema,
  e164Schema,
  externalIdSchema,
  instantSchema,
  languageSchema,
  localDateSchema,
  positiveFenSchema,
  repaymentMethodSchema,
  timeZoneSchema,
} from './common.ts';

/** The `--portfolio FILE` of `duebell simulate` (README, Command line). */
export const portfolioSchema = z.strictObject({
  timezone: timeZoneSchema.optional(),
  partners: z.array(z.strictObject({ partnerId: externalIdSchema, name: z.string().min(1) })).min(1),
  borrowers: z.array(
    z.strictObject({
      borrowerId: externalIdSchema,
      partnerId: externalIdSchema,
      name: z.string().min(1),
      phone: e164Schema,
      email: z.email().optional(),
      idNumber: z.string().refine(isValidPrcId, '18-character PRC resident ID with a valid check character'),
      birthDate: localDateSchema.optional(),
      language: languageSchema.optional(),
      timezone: timeZoneSchema.optional(),
      optOut: z.array(channelSchema).optional(),
      /** Absent: the lender attests every consent was given; given, each flag is explicit. */
      consents: consentsSchema.optional(),
    }),
  ),
  loans: z.array(
    z.strictObject({
      loanId: externalIdSchema,
      borrowerId: externalIdSchema,
      partnerId: externalIdSchema,
      principal: positiveFenSchema,
      aprBps: bpsSchema,
      termMonths: z.number().int().min(1).max(24),
      repaymentMethod: repaymentMethodSchema,
      disbursedOn: localDateSchema,
      productId: z.string().optional(),
    }),
  ),
  payments: z
    .array(
      z.strictObject({
        paymentId: externalIdSchema,
        loanId: externalIdSchema,
        amount: positiveFenSchema,
        paidAt: instantSchema,
      }),
    )
    .default([]),
  hardship: z
    .array(
      z.strictObject({
        loanId: externalIdSchema,
        requestedAt: instantSchema,
        reason: z.enum(['natural_disaster', 'epidemic', 'illness', 'unemployment', 'other']),
        deferralDays: z.number().int().min(1).max(365),
      }),
    )
    .default([]),
  applications: z
    .array(z.strictObject({ at: instantSchema, partnerId: externalIdSchema, body: z.unknown() }))
    .default([]),
  /**
   * Desk actions a supervisor takes at `at`, sent through the ops handlers (which validate the rest as
   * their request bodies): `restructure`, `waiver` and `hardship_decision` name a `loanId` (a decision
   * may name its `planId`, else the loan's latest referred plan); `bulk_deferral` names `loanIds` or a
   * `province`.
   */
  ops: z
    .array(
      z.looseObject({
        at: instantSchema,
        action: z.enum(['restructure', 'waiver', 'bulk_deferral', 'hardship_decision']),
        loanId: externalIdSchema.optional(),
        planId: externalIdSchema.optional(),
      }),
    )
    .optional(),
  /** Promises to pay the borrower makes in the partner's app at `at` (`POST /v1/loans/{loanId}/promises`). */
  promises: z
    .array(
      z.strictObject({
        loanId: externalIdSchema,
        at: instantSchema,
        date: localDateSchema,
        amount: positiveFenSchema,
      }),
    )
    .optional(),
});

export type Portfolio = z.infer<typeof portfolioSchema>;
