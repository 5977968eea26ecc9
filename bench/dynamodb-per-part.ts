import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient, startDynamoDbLocal } from '#local/dynamodb-local.ts';

/** Runs `work` on a DynamoDB Local: a fresh one per call, or (the quick bench) one shared by the run. */
export type WithDynamoDb = <T>(work: (client: DynamoDBClient, endpoint: string) => Promise<T>) => Promise<T>;

/** A fresh DynamoDB Local for `work`, stopped after it. */
export const freshDynamoDbLocal: WithDynamoDb = async (work) => {
  const local = await startDynamoDbLocal();
  const client = localDynamoDbClient(local.endpoint);
  try {
    return await work(client, local.endpoint);
  } finally {
    client.destroy();
    await local.stop();
  }
};

/**
 * Each part of the full bench gets a DynamoDB Local of its own, stopped after it: the growing table's
 * hundreds of thousands of items would otherwise slow every request of the bars measured after it. The
 * quick run shares one (each start costs seconds, and its figures are not the bars'); `stop` ends it.
 */
export async function dynamoDbPerPart(quick: boolean): Promise<{
  withDynamoDb: WithDynamoDb;
  /** The shared instance's endpoint (quick run only), for parts that run in a process of their own. */
  sharedEndpoint?: string;
  stop: () => Promise<void>;
}> {
  if (!quick) return { withDynamoDb: freshDynamoDbLocal, stop: async () => {} };
  const shared = await startDynamoDbLocal();
  return {
    withDynamoDb: async (work) => {
      const client = localDynamoDbClient(shared.endpoint);
      try {
        return await work(client, shared.endpoint);
      } finally {
        client.destroy();
      }
    },
    sharedEndpoint: shared.endpoint,
    stop: () => shared.stop(),
  };
}
