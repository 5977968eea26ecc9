import * as z from 'zod';
import { LANGUAGES } from '#shared/config/languages.ts';
import { isValidLocalDate, isValidTimeZone } from '#shared/lending/calendar.ts';

/** Integer fen within the safe-integer range. */
export const fenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const positiveFenSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const bpsSchema = z.number().int().min(0).max(100_000);

export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isValidLocalDate, 'not a calendar date');

/** ISO 8601 instant with an explicit offset or Z. */
export const instantSchema = z.iso.datetime({ offset: true });

export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number like +8613912345678');

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

export const errorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
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
