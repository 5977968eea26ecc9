import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hmacIdentity, hmacPhone } from '#shared/identity/hmac.ts';
import type { FieldContext, KeyService } from '#shared/ports/key-service.ts';

interface KeyFile {
  hmacKey: string;
  encryptionKey: string;
}

/**
 * Local stand-in for KMS and the HMAC secret: AES-256-GCM and HMAC keys from a key file
 * generated on first run (kept out of git), or in memory when no file is named. The field context is
 * the cipher's additional authenticated data, so it binds as KMS's encryption context does.
 */
export class LocalKeyService implements KeyService {
  private readonly hmacKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(
    keys: KeyFile = {
      hmacKey: randomBytes(32).toString('base64'),
      encryptionKey: randomBytes(32).toString('base64'),
    },
  ) {
    this.hmacKey = Buffer.from(keys.hmacKey, 'base64');
    this.encryptionKey = Buffer.from(keys.encryptionKey, 'base64');
  }

  /**
   * Keys derived from a simulation's seed: the identity and phone hashes, which order a day's messages,
   * are then the same in every run of that seed, so its output files are too. Not secret, and never for
   * a book of real people.
   */
  static forSeed(seed: number): LocalKeyService {
    const derive = (purpose: string) =>
      createHash('sha256').update(`duebell-simulation:${purpose}:${seed}`).digest('base64');
    return new LocalKeyService({ hmacKey: derive('hmac'), encryptionKey: derive('encryption') });
  }

  static fromFile(path: string): LocalKeyService {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      const fresh: KeyFile = {
        hmacKey: randomBytes(32).toString('base64'),
        encryptionKey: randomBytes(32).toString('base64'),
      };
      writeFileSync(path, JSON.stringify(fresh), { mode: 0o600 });
    }
    return new LocalKeyService(JSON.parse(readFileSync(path, 'utf8')) as KeyFile);
  }

  hashIdentity(idNumber: string): string {
    return hmacIdentity(this.hmacKey, idNumber);
  }

  hashPhone(phone: string): string {
    return hmacPhone(this.hmacKey, phone);
  }

  async encrypt(plaintext: string, context: FieldContext): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  async decrypt(ciphertext: string, context: FieldContext): Promise<string> {
    const raw = Buffer.from(ciphertext.replace(/^v1:/, ''), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, raw.subarray(0, 12));
    decipher.setAAD(aad(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

const aad = (context: FieldContext) => Buffer.from(`${context.field}\n${context.record}`, 'utf8');
