import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** What Lambda's event source mapping would hand the publisher at most, per call. */
const BATCH = 100;

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

/**
 * The table's stream on DynamoDB Local, read as Lambda's event source mapping reads it: every shard from
 * its start, batches in order, and on a reported failure the batch is retried from the failed record at
 * the next drain (nothing after it is delivered first). `drain` returns when the stream has nothing new.
 */
export class OutboxStream {
  private readonly streams: DynamoDBStreamsClient;
  private streamArn?: string;
  /** Per shard: where to read next (undefined once a closed shard is read to its end). */
  private readonly iterators = new Map<string, string | undefined>();
  private draining: Promise<number> = Promise.resolve(0);
  /** The drain waiting for the one under way to end: later callers share it. */
  private queued?: Promise<number>;
  private shardIds: string[] = [];
  private describedAt = 0;

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly handler: StreamHandler,
  ) {
    const config = dynamodb.config;
    this.streams = new DynamoDBStreamsClient({
      endpoint: config.endpoint,
      region: config.region,
      credentials: config.credentials,
    });
  }

  /**
   * Delivers what is new. A caller that arrives while a drain runs waits for it and then for one more,
   * which starts after its call and so sees its writes; every caller arriving before that one starts
   * shares it (ten concurrent requests to the local API queue two drains, not ten).
   */
  drain(): Promise<number> {
    if (this.queued) return this.queued;
    const next = this.draining.then(() => {
      this.queued = undefined;
      return this.drainOnce();
    });
    this.queued = next;
    this.draining = next.catch(() => 0);
    return next;
  }

  private async drainOnce(): Promise<number> {
    this.streamArn ??= (
      await this.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }))
    ).Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`table ${this.tableName} has no stream`);
    // New shards are rare (the stream rolls them over hours apart): look for them once a second at most.
    if (Date.now() - this.describedAt > 1000) {
      const shards = (await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn })))
        .StreamDescription?.Shards;
      this.shardIds = (shards ?? []).map((s) => s.ShardId as string);
      this.describedAt = Date.now();
    }
    let delivered = 0;
    for (const shardId of this.shardIds) {
      if (!this.iterators.has(shardId)) {
        const out = await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: this.streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        this.iterators.set(shardId, out.ShardIterator);
      }
      for (let iterator = this.iterators.get(shardId); iterator; ) {
        const out = await this.getRecords(shardId, iterator);
        const records = (out.Records ?? []) as unknown as DynamoDBRecord[];
        if (records.length === 0) {
          // An open shard with nothing new: keep the iterator for the next drain.
          this.iterators.set(shardId, out.NextShardIterator);
          break;
        }
        const answer = await this.handler({ Records: records });
        const failed = answer?.batchItemFailures[0]?.itemIdentifier;
        if (failed) {
          const retry = await this.streams.send(
            new GetShardIteratorCommand({
              StreamArn: this.streamArn,
              ShardId: shardId,
              ShardIteratorType: 'AT_SEQUENCE_NUMBER',
              SequenceNumber: failed,
            }),
          );
          this.iterators.set(shardId, retry.ShardIterator);
          return delivered;
        }
        delivered += records.length;
        iterator = out.NextShardIterator;
        this.iterators.set(shardId, iterator);
      }
    }
    return delivered;
  }

  /**
   * GetRecords; an iterator DynamoDB Local no longer honours (its records trimmed or the iterator
   * expired between drains) is replaced by one from the oldest record still there, as Lambda's poller does.
   */
  private async getRecords(shardId: string, iterator: string) {
    try {
      return await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: BATCH }));
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw err;
      const fresh = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      return this.streams.send(new GetRecordsCommand({ ShardIterator: fresh.ShardIterator, Limit: BATCH }));
    }
  }

  close(): void {
    this.streams.destroy();
  }
}
