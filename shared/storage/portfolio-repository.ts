import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PortfolioSnapshot, PortfolioTotals } from '#shared/lending/portfolio-snapshot.ts';
import type { PortfolioDelta } from '#shared/lending/portfolio-tally.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { PortfolioStore } from '#shared/ports/portfolio.ts';
import { isConditionalFailure, queryAll } from './document-client.ts';
import { type ItemKey, keys, portfolioCounterPartition, shardOf } from './keys.ts';

const MOB_PREFIX = 'mob';

/** One counter item's additions: its key and the numbers added to its fields. */
interface CounterAdd {
  key: ItemKey;
  fields: Record<string, number>;
}

/** What a loan write's delta adds: one counter item per partner, province and vintage touched, on the loan's shard. */
function counterAdds(delta: PortfolioDelta, shards: number): CounterAdd[] {
  const shard = shardOf(delta.loanId, shards);
  const { vintage } = delta;
  return [
    {
      key: keys.portfolioCounter(shard, keys.portfolioPartner(delta.partnerId)),
      fields: {
        loans: delta.loans,
        outstanding: delta.outstanding,
        chargedOffLoans: delta.chargedOffLoans,
        chargedOffPrincipal: delta.chargedOffPrincipal,
        recoveries: delta.recoveries,
      },
    },
    ...(delta.provinceCode
      ? [
          {
            key: keys.portfolioCounter(shard, keys.portfolioProvince(delta.provinceCode)),
            fields: { loans: delta.loans, outstanding: delta.outstanding },
          },
        ]
      : []),
    ...(vintage
      ? [
          {
            key: keys.portfolioCounter(shard, keys.portfolioVintage(vintage.month)),
            fields: {
              booked: vintage.booked,
              ...(vintage.delinquentAtMob === undefined
                ? {}
                : { [`${MOB_PREFIX}${vintage.delinquentAtMob}`]: 1 }),
            },
          },
        ]
      : []),
  ];
}

/** The `ADD` update of one counter item; none when every field adds zero. */
function counterUpdate(tableName: string, { key, fields }: CounterAdd) {
  const changed = Object.entries(fields).filter(([, v]) => v !== 0);
  if (changed.length === 0) return [];
  return [
    {
      Update: {
        TableName: tableName,
        Key: key,
        UpdateExpression: `SET kind = :kind ADD ${changed.map((_, i) => `#f${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(changed.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: {
          ':kind': 'portfolioCounter',
          ...Object.fromEntries(changed.map(([, v], i) => [`:v${i}`, v])),
        },
      },
    },
  ];
}

/**
 * The `ADD` updates that put a loan write's delta on the totals, for the write's own transaction: one
 * item per partner, province and vintage touched, on the loan's shard. Zero fields are left out, and an
 * item nothing changes is not written.
 */
export function portfolioCounterUpdates(tableName: string, delta: PortfolioDelta, shards: number) {
  return counterAdds(delta, shards).flatMap((add) => counterUpdate(tableName, add));
}

/**
 * The deltas of many loans summed per counter item, one update each (a bulk load): a few hundred
 * updates for a whole book instead of three per loan, and the same totals.
 */
export function summedCounterUpdates(tableName: string, deltas: readonly PortfolioDelta[], shards: number) {
  const sums = new Map<string, CounterAdd>();
  for (const add of deltas.flatMap((delta) => counterAdds(delta, shards))) {
    const id = JSON.stringify(add.key);
    const sum = sums.get(id) ?? { key: add.key, fields: {} };
    for (const [field, value] of Object.entries(add.fields))
      sum.fields[field] = (sum.fields[field] ?? 0) + value;
    sums.set(id, sum);
  }
  return [...sums.values()].flatMap((sum) => counterUpdate(tableName, sum));
}

export class PortfolioRepository implements PortfolioStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shards: number,
  ) {}

  async readTotals(): Promise<PortfolioTotals> {
    const totals: PortfolioTotals = { partners: {}, provinces: {}, vintages: {} };
    const perShard = await Promise.all(
      Array.from({ length: this.shards }, (_, shard) =>
        queryAll(this.db, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': portfolioCounterPartition(shard) },
        }),
      ),
    );
    for (const item of perShard.flat()) addCounterItem(totals, item);
    return totals;
  }

  async putSnapshot(snapshot: PortfolioSnapshot): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.portfolioSnapshot(snapshot.date), kind: 'portfolioSnapshot', snapshot },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }

  async getSnapshot(date: LocalDate): Promise<PortfolioSnapshot | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.portfolioSnapshot(date), ConsistentRead: true }),
    );
    return out.Item?.snapshot as PortfolioSnapshot | undefined;
  }

  async listSnapshots(from: LocalDate, to: LocalDate): Promise<PortfolioSnapshot[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.portfolioSnapshotPartition, ':from': from, ':to': to },
    });
    return items.map((item) => item.snapshot as PortfolioSnapshot);
  }
}

/** Adds one shard's counter item to the totals (its `sk` names what it counts). */
function addCounterItem(totals: PortfolioTotals, item: Record<string, unknown>): void {
  const sk = String(item.sk);
  const [kind, ...rest] = sk.split('#');
  const name = rest.join('#');
  const n = (field: string) => Number(item[field] ?? 0);
  if (kind === 'PARTNER') {
    const p = totals.partners[name] ?? {
      loans: 0,
      outstanding: 0,
      chargedOffLoans: 0,
      chargedOffPrincipal: 0,
      recoveries: 0,
    };
    p.loans += n('loans');
    p.outstanding += n('outstanding');
    p.chargedOffLoans += n('chargedOffLoans');
    p.chargedOffPrincipal += n('chargedOffPrincipal');
    p.recoveries += n('recoveries');
    totals.partners[name] = p;
  } else if (kind === 'PROVINCE') {
    const p = totals.provinces[name] ?? { loans: 0, outstanding: 0 };
    p.loans += n('loans');
    p.outstanding += n('outstanding');
    totals.provinces[name] = p;
  } else if (kind === 'VINTAGE') {
    const v = totals.vintages[name] ?? { booked: 0, delinquentByMob: {} };
    v.booked += n('booked');
    for (const field of Object.keys(item)) {
      if (!field.startsWith(MOB_PREFIX)) continue;
      const mob = Number(field.slice(MOB_PREFIX.length));
      v.delinquentByMob[mob] = (v.delinquentByMob[mob] ?? 0) + n(field);
    }
    totals.vintages[name] = v;
  }
}
