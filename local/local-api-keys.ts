import { createHash, randomBytes } from 'node:crypto';

/**
 * The key id the local gateway reports for an API key, as API Gateway reports its own id for a key it
 * validated: a digest, so the partner directory never holds a key that would open the API.
 */
export function localApiKeyId(apiKey: string): string {
  return `local-${createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 32)}`;
}

/** A new local API key (shown once, when the partner is added or its key rotated). */
export function newLocalApiKey(): string {
  return `dbk_${randomBytes(24).toString('base64url')}`;
}
