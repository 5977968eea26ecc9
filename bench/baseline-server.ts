import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchGetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { localDynamoDbClient } from '#local/dynamodb-local.ts';
import { keys } from '#shared/storage/keys.ts';

/**
 * The scoring benchmark's floor, in a process of its own as the API is: `node:http` answering after the
 * least I/O a decision needs — one BatchGetItem of two keys (the person's identity item and the
 * partner's borrower) and one TransactWriteItems of three items (the decision, the borrower, the
 * request's answer). Usage: baseline-server.ts ENDPOINT TABLE; prints `listening on URL`.
 */
const [endpoint, tableName] = process.argv.slice(2);
if (!endpoint || !tableName) throw new Error('usage: baseline-server.ts ENDPOINT TABLE');
const client = localDynamoDbClient(endpoint);
let served = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    const person = `bench-${served++ % 1000}`;
    const found = await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [tableName]: {
            Keys: [marshall(keys.identity(person)), marshall(keys.borrower('p-bench', person))],
            ConsistentRead: true,
          },
        },
      }),
    );
    const id = randomUUID();
    const put = (key: { pk: string; sk: string }, condition?: string) => ({
      Put: {
        TableName: tableName,
        Item: marshall({ ...key, kind: 'bench', at: new Date().toISOString() }),
        ...(condition ? { ConditionExpression: condition } : {}),
      },
    });
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          put(keys.application(`app_${id}`), 'attribute_not_exists(pk)'),
          put(keys.borrower('p-bench', person)),
          put(keys.idempotency('p-bench', id), 'attribute_not_exists(pk)'),
        ],
      }),
    );
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ found: found.Responses?.[tableName]?.length ?? 0, applicationId: id }));
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
