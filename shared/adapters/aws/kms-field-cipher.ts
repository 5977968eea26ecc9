import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { FieldCipher } from './kms-key-service.ts';

/** Encrypts and decrypts contact fields with the customer-managed KMS key. */
export class KmsFieldCipher implements FieldCipher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

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
