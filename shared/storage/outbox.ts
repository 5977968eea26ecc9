import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { EventBus } from '#shared/ports/event-bus.ts';
import { type DomainEvent, eventIdOf, type PublishedEvent } from '#shared/schemas/events.ts';
import { keys } from './keys.ts';

/** How long a published event stays in the table (the stream has long delivered it by then). */
const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;

/** The outbox item of an event: its key, `kind: 'outbox'`, the event with its id, and an expiry. */
export function outboxItem(event: DomainEvent): Record<string, unknown> {
  const id = eventIdOf(event);
  const published: PublishedEvent = { id, ...event };
  return {
    ...keys.outboxEvent(id),
    kind: 'outbox',
    event: published,
    expiresAt: Math.floor(Date.parse(event.at) / 1000) + OUTBOX_RETENTION_SECONDS,
  };
}

/** The Put of a TransactWriteItems call that commits an event with the change it describes. */
export function outboxPut(tableName: string, event: DomainEvent) {
  return { Put: { TableName: tableName, Item: outboxItem(event) } };
}

/** The event an outbox item holds (what the stream publisher reads from a NewImage). */
export function eventOfOutboxItem(item: Record<string, unknown>): PublishedEvent | undefined {
  return item.kind === 'outbox' ? (item.event as PublishedEvent) : undefined;
}

/**
 * The events a batch of stream records carries, in stream order, each with the record it came from:
 * inserted outbox items only (a MODIFY is a retried write of an event already out; a REMOVE its expiry).
 */
export function outboxEventsOf(
  records: readonly DynamoDBRecord[],
): { record: DynamoDBRecord; event: PublishedEvent }[] {
  const found: { record: DynamoDBRecord; event: PublishedEvent }[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    // Other items' images are never unmarshalled: the stream carries every insert (snapshots, counters).
    if (record.eventName !== 'INSERT' || !image || (image.kind as { S?: string } | undefined)?.S !== 'outbox')
      continue;
    const event = eventOfOutboxItem(unmarshall(image as Parameters<typeof unmarshall>[0]));
    if (event) found.push({ record, event });
  }
  return found;
}

/**
 * The event bus of every deployed function: events are written to the table's outbox (25 a call) and
 * published from its stream, so an event is never lost to a failed PutEvents. A write repeated by a
 * retry replaces the item under the same id: the stream sees a MODIFY, not an INSERT, and the
 * publisher sends INSERTs only, so the event goes out once.
 */
export class OutboxEventBus implements EventBus {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    const items = [...new Map(events.map((e) => [eventIdOf(e), outboxItem(e)])).values()];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }
}
