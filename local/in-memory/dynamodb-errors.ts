import { ConditionalCheckFailedException, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';

/**
 * The errors the DynamoDB repositories let through unchanged, made the same way, so a caller that
 * tells them apart (`isConditionalFailure`, `err.name`) sees the same thing from the in-memory stores.
 */
export function conditionalCheckFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

export function validationError(message: string): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: {},
    message,
  });
}

/** DynamoDB's limit on the items of one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * What TransactWriteItems refuses before it looks at any condition: no items, more than 100, or one
 * item written twice (`itemIds` names each item the transaction touches).
 */
export function checkTransaction(itemIds: readonly string[]): void {
  if (itemIds.length === 0) {
    throw validationError(
      "1 validation error detected: Value [] at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (itemIds.length > MAX_TRANSACTION_ITEMS) {
    throw validationError(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  if (new Set(itemIds).size !== itemIds.length) {
    throw validationError('Transaction request cannot include multiple operations on one item');
  }
}
