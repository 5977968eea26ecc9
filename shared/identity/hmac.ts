import { createHmac } from 'node:crypto';

/** Upper-cases the check character so `...039x` and `...039X` are the same person. */
export function normalizeIdNumber(idNumber: string): string {
  return idNumber.trim().toUpperCase();
}

/** Domain-separated from identity hashes, so a phone hash never equals an ID hash. */
export function hmacPhone(hmacKey: Buffer, phone: string): string {
  return createHmac('sha256', hmacKey).update(`phone:${phone.trim()}`).digest('hex');
}

export function hmacIdentity(hmacKey: Buffer, idNumber: string): string {
  return createHmac('sha256', hmacKey).update(normalizeIdNumber(idNumber)).digest('hex');
}
