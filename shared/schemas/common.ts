import * as z from 'zod';
import { LANGUAGES } from '#shared/config/languages.ts';
import { isValidLocalDate, isValidTimeZone } from '#shared/lending/calendar.ts';

/** Integer fen within the safe-integer range. */
export const fenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ format: 'int64' });
export const positiveFenSchema = z
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .meta({ format: 'int64' });
export const bpsSchema = z.number().int().min(0).max(100_000).meta({ format: 'int32' });

/** A loan's term: 1 to 24 months (bullet loans 1 to 12). */
export const termMonthsSchema = z.number().int().min(1).max(24).meta({ format: 'int32' });
/** 1-based; at most 24 installments, and a restructured loan numbers up to 36 new ones after them. */
export const installmentNoSchema = z.number().int().min(1).max(60).meta({ format: 'int32' });
export const deferralDaysSchema = z.number().int().min(1).max(365).meta({ format: 'int32' });
export const daysPastDueSchema = z.number().int().min(0).max(2_147_483_647).meta({ format: 'int32' });

export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isValidLocalDate, 'not a calendar date')
  .meta({ format: 'date' });

/** ISO 8601 instant with an explicit offset or Z. */
export const instantSchema = z.iso.datetime({ offset: true });

export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number like +8613800000000');

export const timeZoneSchema = z.string().min(1).max(64).refine(isValidTimeZone, 'not an IANA time zone name');

/** Partner-chosen ids: printable, no separators our keys use. */
export const externalIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const languageSchema = z.enum(LANGUAGES);
export const repaymentMethodSchema = z.enum(['equal_installment', 'equal_principal', 'bullet']);
export const channelSchema = z.enum(['sms', 'email']);

/** The person's consents, each an explicit boolean: none is assumed when left out. */
export const consentsSchema = z
  .strictObject({
    contactBySms: z.boolean().meta({ description: 'SMS may be sent to the phone number.' }),
    contactByEmail: z.boolean().meta({ description: 'Email may be sent to the address.' }),
    shareWithCollectionAgencies: z.boolean().meta({
      description: 'Collection tasks may go to an outside collection agency or legal referral partner.',
    }),
    sensitiveData: z
      .boolean()
      .meta({ description: 'Sensitive personal data (ID number, finances) may be processed.' }),
  })
  .meta({
    id: 'Consents',
    description:
      'Separate consents (PIPL Art. 23, 29), all required: a channel without consent is never used, and ' +
      'without consent to share no task goes to an outside agency.',
  });

export const errorSchema = z
  .object({
    error: z.string().meta({
      description:
        'A stable code: invalid_request, unauthorized, not_found, payload_too_large, unsupported_media_type, ' +
        'idempotency_key_reused, a business rule (e.g. terms_outside_offer), …',
    }),
    message: z.string().meta({ description: 'For people; never echoes the rejected value.' }),
    issues: z
      .array(
        z.object({
          path: z
            .string()
            .meta({ description: "The field, e.g. 'applicant.phone'; '(body)' for the whole body." }),
          message: z.string(),
        }),
      )
      .max(50)
      .optional()
      .meta({ description: 'For invalid input (400): one entry per problem, at most 50.' }),
  })
  .meta({ id: 'Error' });

/** JSON text parsed, or undefined when it is not JSON: a schema then reports it like any other bad input. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
