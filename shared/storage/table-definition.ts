/**
 * The one definition of Duebell's DynamoDB table: key schema, indexes and TTL attribute.
 * CDK (infra/constructs/data.ts), the local runner and the tests all build the table from this.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  /** ALL: the index answers the query alone, with no read back to the table. */
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: IndexDefinition[];
  timeToLiveAttribute: string;
  /** The table's stream: the outbox publisher reads new items from it. */
  stream: 'NEW_IMAGE';
}

export const DUE_INDEX = 'due-date';
export const AGEING_INDEX = 'ageing';
export const DESK_INDEX = 'desk-tasks';
export const BORROWER_INDEX = 'borrower-records';
export const PROVINCE_INDEX = 'province';

export const tableDefinition: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      // Sparse and write-sharded: only unpaid installments carry `dueShard`, as
      // `<dueDate>#<shard>`; paying an installment removes it from the index.
      indexName: DUE_INDEX,
      partitionKey: { name: 'dueShard', type: 'S' },
      sortKey: { name: 'dueSort', type: 'S' },
      projection: 'ALL',
    },
    {
      // Active loans with something unpaid, sorted by the oldest unpaid due date (`<date>#<loanId>`) in
      // write shards: the daily ageing job asks for the dates before today and so reads only the loans
      // past due, never the current book. A loan leaves it when repaid or charged off.
      indexName: AGEING_INDEX,
      partitionKey: { name: 'ageShard', type: 'S' },
      sortKey: { name: 'ageSort', type: 'S' },
      projection: 'ALL',
    },
    {
      // Agent tasks for the collection desk, one partition per status (`TASKS#open`, `TASKS#done`), sorted
      // by the instant the rung opened them: the desk lists a status, due before an instant, with a Query.
      indexName: DESK_INDEX,
      partitionKey: { name: 'deskStatus', type: 'S' },
      sortKey: { name: 'deskSort', type: 'S' },
      projection: 'ALL',
    },
    {
      // A person's applications and loans at one partner (`<partnerId>#<borrowerId>`, sorted `<kind>#<id>`):
      // what a borrower's export and erasure must find (PIPL Art. 45, 47) without a Scan.
      indexName: BORROWER_INDEX,
      partitionKey: { name: 'borrowerKey', type: 'S' },
      sortKey: { name: 'borrowerSort', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    {
      // Active loans by the borrower's province code (`<code>#<shard>`), keys only: a bulk disaster
      // deferral for a region finds its loans with a Query per shard. A loan leaves it when it closes.
      indexName: PROVINCE_INDEX,
      partitionKey: { name: 'provinceShard', type: 'S' },
      sortKey: { name: 'provinceSort', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  // New images only: the outbox publisher needs the inserted event, nothing before it.
  stream: 'NEW_IMAGE',
};

/** Attribute definitions for CreateTable: every key attribute of the table and its indexes, once. */
export function attributeDefinitions(def: TableDefinition = tableDefinition): KeyAttribute[] {
  const all = [
    def.partitionKey,
    def.sortKey,
    ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return [...new Map(all.map((a) => [a.name, a])).values()];
}
