import { hmacIdentity, hmacPhone } from '#shared/identity/hmac.ts';
import type { FieldContext, KeyService } from '#shared/ports/key-service.ts';

/** A function used a key it was not given: a wiring mistake, reported as such. */
export class KeyServiceNotConfiguredError extends Error {
  override name = 'KeyServiceNotConfiguredError';
}

export interface FieldCipher {
  encrypt(plaintext: string, context: FieldContext): Promise<string>;
  decrypt(ciphertext: string, context: FieldContext): Promise<string>;
}

/**
 * Field encryption with the customer-managed KMS key; identity hashing with the HMAC key from Secrets
 * Manager. Each function is given only the half it needs (least privilege); using the other half throws.
 */
export class KmsKeyService implements KeyService {
  constructor(
    private readonly cipher?: FieldCipher,
    private readonly hmacKey?: Buffer,
  ) {}

  hashIdentity(idNumber: string): string {
    return hmacIdentity(this.requireHmacKey(), idNumber);
  }

  hashPhone(phone: string): string {
    return hmacPhone(this.requireHmacKey(), phone);
  }

  async encrypt(plaintext: string, context: FieldContext): Promise<string> {
    return this.requireCipher().encrypt(plaintext, context);
  }

  async decrypt(ciphertext: string, context: FieldContext): Promise<string> {
    return this.requireCipher().decrypt(ciphertext, context);
  }

  private requireHmacKey(): Buffer {
    if (!this.hmacKey) throw new KeyServiceNotConfiguredError('this function has no identity HMAC key');
    return this.hmacKey;
  }

  private requireCipher(): FieldCipher {
    if (!this.cipher) throw new KeyServiceNotConfiguredError('this function has no field key');
    return this.cipher;
  }
}
