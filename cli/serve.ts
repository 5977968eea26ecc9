import { parseArgs } from 'node:util';
import { demoPartners, readPartnersFile, startLocalStack } from '#local/local-stack.ts';

const usage = 'usage: duebell serve [--port N] [--partners FILE] [--dynamodb-endpoint URL]';

/** `duebell serve`: the partner API on loopback until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3000' },
      partners: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0–65535\n${usage}`);
  const partners = values.partners ? readPartnersFile(values.partners) : demoPartners();
  const stack = await startLocalStack({ port, partners, dynamodbEndpoint: values['dynamodb-endpoint'] });
  if (!values.partners) {
    console.log('demo partner API keys (send as x-api-key):');
    for (const p of partners) console.log(`  ${p.partnerId.padEnd(10)} ${p.apiKey}`);
  }
  // Valid for this run only (the local server signs them with a secret it holds in memory).
  console.log('ops tokens for /v1/ops/ (send as Authorization: Bearer <token>):');
  console.log(`  agent      ${stack.opsTokens.agent}`);
  console.log(`  supervisor ${stack.opsTokens.supervisor}`);
  console.log(`listening on ${stack.url}`);
  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
