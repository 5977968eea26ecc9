import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultRules } from '#shared/config/rules.ts';
import { takePortfolioSnapshot } from '#shared/escalation/take-portfolio-snapshot.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { createRepositories } from '#shared/storage/repositories.ts';

/**
 * Capacity units and requests of every call made through `client` while `work` runs, as DynamoDB reports
 * them (ReturnConsumedCapacity TOTAL: exact on DynamoDB Local for single-item calls, queries and transactions).
 */
const READS = /^(Get|BatchGet|Query|Scan|TransactGet)/;

export async function metered<T>(client: DynamoDBClient, work: () => Promise<T>) {
  const figures = { readUnits: 0, writeUnits: 0, requests: 0 };
  const name = `capacityMeter-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const used = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = ([used].flat() as ({ CapacityUnits?: number } | undefined)[]).reduce(
        (sum, c) => sum + (c?.CapacityUnits ?? 0),
        0,
      );
      if (READS.test(context.commandName ?? '')) figures.readUnits += units;
      else figures.writeUnits += units;
      figures.requests += 1;
      return out;
    },
    { step: 'initialize', name },
  );
  try {
    const result = await work();
    return { result, ...figures };
  } finally {
    client.middlewareStack.remove(name);
  }
}

/**
 * The daily portfolio snapshot on a seeded book: what it reads (the running totals' shards and two earlier
 * snapshots) and writes (the snapshot), taken for two dates so the second has yesterday's to compare with.
 */
export async function measureSnapshotCost(
  client: DynamoDBClient,
  repos: ReturnType<typeof createRepositories>,
  businessDate: string,
) {
  const deps = { repos, rules: defaultRules };
  await takePortfolioSnapshot(deps, addDays(businessDate, -1), []);
  const taken = await metered(client, () => takePortfolioSnapshot(deps, businessDate, []));
  return {
    snapshotReadUnits: taken.readUnits,
    snapshotWriteUnits: taken.writeUnits,
    snapshotRequests: taken.requests,
    snapshotLoans: taken.result.total.loans,
  };
}
