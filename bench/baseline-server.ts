import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { localDynamoDbClient } from '#local/dynamodb-local.ts';
import { keys } from '#shared/storage/keys.ts';

/**
 * The scoring benchmark's floor, in a process of its own as the API is: `node:http` answering after one
 * GetItem on DynamoDB Local. Usage: baseline-server.ts ENDPOINT TABLE; prints `listening on URL`.
 */
const [endpoint, tableName] = process.argv.slice(2);
if (!endpoint || !tableName) throw new Error('usage: baseline-server.ts ENDPOINT TABLE');
const client = localDynamoDbClient(endpoint);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    const out = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(keys.identity('bench')) }),
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ found: Boolean(out.Item) }));
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
