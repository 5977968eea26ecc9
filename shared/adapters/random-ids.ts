import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '#shared/ports/ids.ts';

/** Time-ordered, unguessable ids: `app_` + 12 hex of ms + 16 random hex. */
export const randomIds: IdGenerator = {
  next: (prefix) => `${prefix}_${Date.now().toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`,
};
