import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CachedPartnerDirectory } from '#shared/adapters/cached-partner-directory.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import type { Rules } from '#shared/config/rules.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { PartnerDirectoryRepository } from '#shared/storage/partner-directory-repository.ts';

/** The partner directory in the table, read through a per-container cache (no partner list in the environment). */
export function partnerDirectory(
  dynamodb: DynamoDBClient,
  tableName: string,
  rules: Rules,
): PartnerDirectory {
  return new CachedPartnerDirectory(
    new PartnerDirectoryRepository(documentClient(dynamodb), tableName),
    systemClock,
    rules.api.partnerCacheSeconds,
  );
}
