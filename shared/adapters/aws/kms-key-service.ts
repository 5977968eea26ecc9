import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { hmacIdentity, hmacPhone } from '#shared/identity/hmac.ts';
import type { KeyService } from '#shared/ports/key-service.ts';

/** Field encryption with a customer-managed KMS key; identity hashing with an HMAC key from Secrets Manager. */
export class KmsKeyService implements KeyService {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly hmacKey: Buffer,
  ) {}

  hashIdentity(idNumber: string): string {
    return hmacIdentity(this.hmacKey, idNumber);
  }

  hashPhone(phone: string): string {
    return hmacPhone(this.hmacKey, phone);
  }

  async encrypt(plaintext: string): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({ KeyId: this.keyId, Plaintext: Buffer.from(plaintext, 'utf8') }),
    );
    return `kms:${Buffer.from(out.CiphertextBlob ?? new Uint8Array()).toString('base64')}`;
  }

  async decrypt(ciphertext: string): Promise<string> {
    const blob = Buffer.from(ciphertext.replace(/^kms:/, ''), 'base64');
    const out = await this.kms.send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: blob }));
    return Buffer.from(out.Plaintext ?? new Uint8Array()).toString('utf8');
  }
}
