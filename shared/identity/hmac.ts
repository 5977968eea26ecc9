import { createHmac } from 'node:crypto';

/** Upper-cases the check character so `...039x` and `...039X` are the same person. */
export function normalizeIdNumber(idNumber: string): string {
  return idNumber.trim().toUpperCase();
}

export function hmacIdentity(hmacKey: Buffer, idNumber: string): string {
  return createHmac('sha256', hmacKey).update(normalizeIdNumber(idNumber)).digest('hex');
}
