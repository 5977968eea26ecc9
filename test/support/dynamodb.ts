import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { type DynamoDbLocal, localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { createTable } from '#shared/storage/create-table.ts';

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  drop(): Promise<void>;
}

export interface TestTableOptions {
  /** A table whose outbox the test reads through the stream; the others have none (see `fileDynamoDb`). */
  stream?: boolean;
  /** Another DynamoDB Local than the run's (`fileDynamoDb().endpoint()`). */
  endpoint?: string;
}

/** A fresh table, built from the shared definition, in the run's DynamoDB Local unless told another. */
export async function createTestTable(options: TestTableOptions = {}): Promise<TestTable> {
  const client = localDynamoDbClient(options.endpoint ?? inject('dynamodbEndpoint'));
  const tableName = `test-${randomUUID()}`;
  await createTable(client, tableName, { stream: options.stream ?? false });
  return {
    client,
    tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

/**
 * A DynamoDB Local of the calling test file's own, for files that read a table's stream many times.
 * DynamoDB Local keeps every table's stream records in one store, never drops them (not even with the
 * table), and each GetRecords costs in proportion to that store: one reader among the whole suite's
 * writes slows tenfold by the end of the run. Call at the top level of the file.
 */
export function fileDynamoDb(): { endpoint(): string } {
  let local: DynamoDbLocal | undefined;
  beforeAll(async () => {
    local = await startDynamoDbLocal({ timeoutMs: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await local?.stop();
  });
  return {
    endpoint: () => {
      if (!local) throw new Error('fileDynamoDb() is used before its beforeAll ran');
      return local.endpoint;
    },
  };
}
