import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localDynamoDbClient } from '#local/dynamodb-local.ts';
import { createTable } from '#shared/storage/create-table.ts';

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  drop(): Promise<void>;
}

/** A fresh table, built from the shared definition, in the run's DynamoDB Local. */
export async function createTestTable(): Promise<TestTable> {
  const client = localDynamoDbClient(inject('dynamodbEndpoint'));
  const tableName = `test-${randomUUID()}`;
  await createTable(client, tableName);
  return {
    client,
    tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
