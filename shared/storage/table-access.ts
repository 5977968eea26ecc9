/**
 * What the repositories may do on the table: the DynamoDB actions their document-client commands call,
 * and nothing else (no Scan, no stream reads, no table management). CDK grants exactly this list, and
 * a test reads the repositories' code to keep the list equal to the commands they send.
 */
export const ACTIONS_BY_COMMAND = {
  GetCommand: 'dynamodb:GetItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  QueryCommand: 'dynamodb:Query',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
} as const;

/** IAM authorizes each part of a transaction as the item action it is, besides TransactWriteItems. */
export const ACTIONS_BY_TRANSACTION_PART = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
} as const;

export const TABLE_ITEM_ACTIONS: readonly string[] = [
  ...new Set([...Object.values(ACTIONS_BY_COMMAND), ...Object.values(ACTIONS_BY_TRANSACTION_PART)]),
].sort();

/**
 * Use of the table's customer-managed key that reading and writing items needs, written out: the
 * grant CDK writes has `kms:ReEncrypt*` and `kms:GenerateDataKey*`, which an auditor reads as wildcards.
 */
export const TABLE_KEY_ACTIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
];
