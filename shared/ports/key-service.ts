/**
 * Personal-data protection: national IDs are only ever hashed (HMAC-SHA256, for matching across
 * partners); phone numbers, emails and names are encrypted and decrypted only to send.
 */
export interface KeyService {
  /** HMAC-SHA256 of a normalized national ID, hex. Deterministic for one key. */
  hashIdentity(idNumber: string): string;
  /** HMAC-SHA256 of an E.164 phone number, for matching inbound SMS to borrowers. */
  hashPhone(phone: string): string;
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
}
