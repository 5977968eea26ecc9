import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '#shared/errors/domain-errors.ts';
import { DESK_INDEX } from './table-definition.ts';

/**
 * The cursor of a desk-index list: the page's last key, opaque to callers. A cursor is only taken back for
 * the status partition that gave it, with exactly the key's attributes (anything else is `InvalidCursor`).
 */
export function encodeIndexCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeIndexCursor(cursor: string, partition: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  const fields = ['pk', 'sk', 'deskStatus', 'deskSort'];
  const valid =
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).length === fields.length &&
    fields.every((f) => typeof (key as Record<string, unknown>)[f] === 'string') &&
    (key as Record<string, string>).deskStatus === partition;
  if (!valid) throw new InvalidCursor();
  return key as Record<string, string>;
}

/**
 * One page of a desk-index status partition (complaints, reviews), oldest first: what the desk lists, a page
 * at a time, with the cursor of the next page when there may be one.
 */
export async function deskIndexPage(
  db: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: Record<string, unknown>[]; cursor?: string }> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: DESK_INDEX,
      KeyConditionExpression: 'deskStatus = :status',
      ExpressionAttributeValues: { ':status': partition },
      Limit: page.limit,
      ExclusiveStartKey: page.cursor ? decodeIndexCursor(page.cursor, partition) : undefined,
    }),
  );
  return {
    items: out.Items ?? [],
    ...(out.LastEvaluatedKey ? { cursor: encodeIndexCursor(out.LastEvaluatedKey) } : {}),
  };
}
