import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** A conditional check failed: the write would have double-applied or raced another writer. */
export function isConditionalFailure(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name === 'TransactionCanceledException')
    return cancellationCodes(err).includes('ConditionalCheckFailed');
  return false;
}

/** Why each item of a cancelled transaction failed, in the order of the transaction's items. */
export function cancellationCodes(err: unknown): (string | undefined)[] {
  return ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
    (r) => r.Code,
  );
}
