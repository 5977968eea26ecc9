/**
 * Personal-data protection: national IDs are only ever hashed (HMAC-SHA256, for matching across
 * partners); phone numbers, emails and names are encrypted and decrypted only to send.
 */
export interface KeyService {
  /** HMAC-SHA256 of a normalized national ID, hex. Deterministic for one key. */
  hashIdentity(idNumber: string): string;
  /** HMAC-SHA256 of an E.164 phone number, for matching inbound SMS to borrowers. */
  hashPhone(phone: string): string;
  /** Seals `plaintext` to its place: the same context is needed to open it (KMS encryption context). */
  encrypt(plaintext: string, context: FieldContext): Promise<string>;
  decrypt(ciphertext: string, context: FieldContext): Promise<string>;
}

/**
 * Where an encrypted value belongs: its field and its record. A ciphertext copied to another field or
 * another person's record does not decrypt there.
 */
export interface FieldContext {
  field: 'name' | 'phone' | 'email' | 'complaintText';
  /** The record's key, e.g. `borrower#<partnerId>#<borrowerId>` or `complaint#<complaintId>`. */
  record: string;
}

/** The context of a borrower's field. */
export const borrowerField = (
  partnerId: string,
  borrowerId: string,
  field: Exclude<FieldContext['field'], 'complaintText'>,
): FieldContext => ({ field, record: `borrower#${partnerId}#${borrowerId}` });

/** The context of a complaint's text. */
export const complaintTextField = (complaintId: string): FieldContext => ({
  field: 'complaintText',
  record: `complaint#${complaintId}`,
});
