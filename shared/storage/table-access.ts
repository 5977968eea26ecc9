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

/** Every Lambda function of the stack, by the name of its folder under `functions/`. */
export type DeployedFunction =
  | 'applications'
  | 'loans'
  | 'payments'
  | 'hardship'
  | 'preferences'
  | 'openapi'
  | 'ops'
  | 'sweep'
  | 'sweep-slice'
  | 'send-contact'
  | 'inbound-sms'
  | 'escalation-step'
  | 'ageing'
  | 'outbox-publisher';

/** An IAM grant on the table: an item action (on the table), or `dynamodb:Query index/<name>` (on that index). */
export type TableGrant = `dynamodb:${string}`;

/** Every partner route maps its caller's API key through the partner directory (a cached GetItem). */
const PARTNER_DIRECTORY: TableGrant[] = ['dynamodb:GetItem'];
/** The `Idempotency-Key` records: read, taken, completed, and freed again when the answer was a 5xx. */
const IDEMPOTENCY: TableGrant[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];
/** A loan's partition read and written: its items, their transactions with the outbox and audit records. */
const LOAN_WRITES: TableGrant[] = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:TransactWriteItems',
];
const grants = (...groups: TableGrant[][]): readonly TableGrant[] => [...new Set(groups.flat())].sort();

/**
 * What each function may do on the table, and nothing more: the actions of the calls its code makes
 * (a transaction's parts as their item actions) and the indexes it queries. CDK grants exactly this. The
 * tests record every call each function makes (the API through the local stack, the escalation world, the
 * inbound SMS handler, the simulator) and fail on a call not granted here; the simulator's run fails on a
 * grant here that its scheduled and queued functions never use.
 */
export const TABLE_ACCESS: Record<DeployedFunction, readonly TableGrant[]> = {
  applications: grants(PARTNER_DIRECTORY, IDEMPOTENCY, [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:TransactWriteItems',
  ]),
  loans: grants(PARTNER_DIRECTORY, IDEMPOTENCY, LOAN_WRITES),
  payments: grants(PARTNER_DIRECTORY, IDEMPOTENCY, LOAN_WRITES),
  hardship: grants(PARTNER_DIRECTORY, IDEMPOTENCY, LOAN_WRITES),
  // An opt-out that leaves no channel reads the person's loans and warns on them (the watch entry and its event).
  preferences: grants(PARTNER_DIRECTORY, LOAN_WRITES),
  openapi: grants(PARTNER_DIRECTORY),
  ops: grants(IDEMPOTENCY, LOAN_WRITES, [
    'dynamodb:BatchGetItem',
    'dynamodb:Query index/desk-tasks',
    'dynamodb:Query index/borrower-records',
    'dynamodb:Query index/province',
  ]),
  sweep: grants(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
  'sweep-slice': grants(LOAN_WRITES, ['dynamodb:BatchWriteItem', 'dynamodb:Query index/due-date']),
  'send-contact': grants([
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:TransactWriteItems',
    'dynamodb:UpdateItem',
  ]),
  // A STOP that leaves no channel reads the person's loans and warns on them (the watch entry and its event).
  'inbound-sms': grants(LOAN_WRITES),
  'escalation-step': grants(LOAN_WRITES, ['dynamodb:BatchWriteItem']),
  ageing: grants(LOAN_WRITES, [
    'dynamodb:DeleteItem',
    'dynamodb:Query index/ageing',
    'dynamodb:Query index/desk-tasks',
  ]),
  // It reads the table's stream (granted with the stream) and touches no item.
  'outbox-publisher': [],
};
