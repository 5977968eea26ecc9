import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { FieldContext } from '#shared/ports/key-service.ts';
import type { FieldCipher } from './kms-key-service.ts';

/**
 * Encrypts and decrypts contact fields with the customer-managed KMS key, under an encryption context
 * naming the field and the record (KMS refuses to decrypt under any other, and CloudTrail logs it).
 */
export class KmsFieldCipher implements FieldCipher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async encrypt(plaintext: string, context: FieldContext): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: { ...context },
      }),
    );
    return `kms:${Buffer.from(out.CiphertextBlob ?? new Uint8Array()).toString('base64')}`;
  }

  async decrypt(ciphertext: string, context: FieldContext): Promise<string> {
    const blob = Buffer.from(ciphertext.replace(/^kms:/, ''), 'base64');
    const out = await this.kms.send(
      new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: blob, EncryptionContext: { ...context } }),
    );
    return Buffer.from(out.Plaintext ?? new Uint8Array()).toString('utf8');
  }
}
