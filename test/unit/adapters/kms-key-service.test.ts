import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsFieldCipher } from '#shared/adapters/aws/kms-field-cipher.ts';
import { KeyServiceNotConfiguredError, KmsKeyService } from '#shared/adapters/aws/kms-key-service.ts';

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());

describe('KmsKeyService', () => {
  it('encrypts and decrypts through KMS with the configured key', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('+8613912345678') });
    const keys = new KmsKeyService(new KmsFieldCipher(new KMSClient({}), 'key-arn'));
    const sealed = await keys.encrypt('+8613912345678');
    expect(sealed).toBe(`kms:${Buffer.from('sealed').toString('base64')}`);
    expect(await keys.decrypt(sealed)).toBe('+8613912345678');
    expect(kms.commandCalls(EncryptCommand)[0]?.args[0].input.KeyId).toBe('key-arn');
    expect(
      Buffer.from(kms.commandCalls(DecryptCommand)[0]?.args[0].input.CiphertextBlob ?? []).toString(),
    ).toBe('sealed');
  });

  it('hashes with the HMAC key alone, and refuses the half it was not given', async () => {
    const hashing = new KmsKeyService(undefined, Buffer.from('hmac-key'));
    expect(hashing.hashPhone('+8613912345678')).toMatch(/^[0-9a-f]{64}$/);
    await expect(hashing.decrypt('kms:abc')).rejects.toBeInstanceOf(KeyServiceNotConfiguredError);
    const cipherOnly = new KmsKeyService(new KmsFieldCipher(new KMSClient({}), 'key-arn'));
    expect(() => cipherOnly.hashIdentity('110101199003074477')).toThrow(KeyServiceNotConfiguredError);
    expect(kms.calls()).toHaveLength(0);
  });
});
