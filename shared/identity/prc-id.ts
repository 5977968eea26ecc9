import { isValidLocalDate } from '#shared/lending/calendar.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** GB 11643-1999: 17 digits, a valid birth date at 7–14, and the ISO 7064 MOD 11-2 check character. */
export function isValidPrcId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidLocalDate(birth)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] === id[17]?.toUpperCase();
}

/** The birth date written in a valid PRC resident ID. */
export function birthDateOfPrcId(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * The province (or municipality) code of a PRC resident ID: its first 2 digits, the one part of the number
 * that may be kept beside its hash, for regional views (domain rules, "Personal data"). Nothing finer.
 */
export function provinceCodeOf(id: string): string {
  return id.slice(0, 2);
}

/** Completes 17 digits with their check character (for generating test identities). */
export function withCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return `${first17}${CHECK_CHARS[sum % 11]}`;
}
