/**
 * Free text the desk stores (an agent's note) must carry no personal data (PIPL; domain rules, "Personal
 * data"): notes are kept for years beside the audit trail and are shown to every agent, where phone numbers,
 * emails and ID numbers are kept encrypted or hashed. This finds the kinds a note most often carries by
 * mistake; it names the kind, never the text it found.
 */

export type PersonalDataKind = 'phone_number' | 'email' | 'id_number';

// Separators people type inside numbers: spaces, dashes, dots, parentheses.
const SEP = '[\\s\\-.()]*';

/** An 18-character PRC resident ID: 17 digits and a digit or X (checked before phones, which it contains). */
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/;
/** A mainland mobile (1[3-9] and 9 digits), with or without +86, however spaced; or any E.164-like +number. */
const MOBILE = new RegExp(`(?<!\\d)(\\+?86${SEP})?1${SEP}[3-9](${SEP}\\d){9}(?!\\d)`);
const INTERNATIONAL = new RegExp(`\\+\\d(${SEP}\\d){6,14}(?!\\d)`);
/** A landline with its area code, e.g. 010-12345678 or (021) 1234 5678. */
const LANDLINE = new RegExp(`(?<!\\d)\\(?0\\d{2,3}\\)?${SEP}\\d{3,4}${SEP}\\d{4}(?!\\d)`);

/** The first kind of personal data the text carries, or undefined. */
export function personalDataIn(text: string): PersonalDataKind | undefined {
  if (ID_NUMBER.test(text)) return 'id_number';
  if (EMAIL.test(text)) return 'email';
  if (MOBILE.test(text) || INTERNATIONAL.test(text) || LANDLINE.test(text)) return 'phone_number';
  return undefined;
}
