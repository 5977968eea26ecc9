import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsFieldCipher } from '#shared/adapters/aws/kms-field-cipher.ts';
import { KeyServiceNotConfiguredError, KmsKeyService } from '#shared/adapters/aws/kms-key-service.ts';
import { borrowerField } from '#shared/ports/key-service.ts';

const PHONE_OF_U1 = borrowerField('p1', 'u1', 'phone');

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());

describe('KmsKeyService', () => {
  it('encrypts and decrypts through KMS with the configured key, under the field and record as encryption context', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('+8613912345678') });
    const keys = new KmsKeyService(new KmsFieldCipher(new KMSClient({}), 'key-arn'));
    const sealed = await keys.encrypt('+8613912345678', PHONE_OF_U1);
    expect(sealed).toBe(`kms:${Buffer.from('sealed').toString('base64')}`);
    expect(await keys.decrypt(sealed, PHONE_OF_U1)).toBe('+8613912345678');
    expect(kms.commandCalls(EncryptCommand)[0]?.args[0].input).toMatchObject({
      KeyId: 'key-arn',
      EncryptionContext: { field: 'phone', record: 'borrower#p1#u1' },
    });
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
      field: 'phone',
      record: 'borrower#p1#u1',
    });
    expect(
      Buffer.from(kms.commandCalls(DecryptCommand)[0]?.args[0].input.CiphertextBlob ?? []).toString(),
    ).toBe('sealed');
  });

  it('hashes with the HMAC key alone, and refuses the half it was not given', async () => {
    const hashing = new KmsKeyService(undefined, Buffer.from('hmac-key'));
    expect(hashing.hashPhone('+8613912345678')).toMatch(/^[0-9a-f]{64}$/);
    await expect(hashing.decrypt('kms:abc', PHONE_OF_U1)).rejects.toBeInstanceOf(
      KeyServiceNotConfiguredError,
    );
    const cipherOnly = new KmsKeyService(new KmsFieldCipher(new KMSClient({}), 'key-arn'));
    expect(() => cipherOnly.hashIdentity('110101199003074477')).toThrow(KeyServiceNotConfiguredError);
    expect(kms.calls()).toHaveLength(0);
  });
});
