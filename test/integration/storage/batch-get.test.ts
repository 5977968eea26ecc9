import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGetAll, documentClient } from '#shared/storage/document-client.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

describe('batchGetAll', () => {
  it('reads more keys than one BatchGetItem allows, and leaves out the ones that do not exist', async () => {
    const db = documentClient(table.client);
    const items = Array.from({ length: 230 }, (_, i) => ({ pk: `BATCH#${i}`, sk: 'ITEM', n: i }));
    for (let i = 0; i < items.length; i += 25) {
      await db.send(
        new BatchWriteCommand({
          RequestItems: {
            [table.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
    }
    const wanted = [...items.map(({ pk, sk }) => ({ pk, sk })), { pk: 'BATCH#missing', sk: 'ITEM' }];
    const found = await batchGetAll(db, table.tableName, wanted);
    expect(found.map((f) => f.n as number).sort((a, b) => a - b)).toEqual(items.map((i) => i.n));
  });
});
