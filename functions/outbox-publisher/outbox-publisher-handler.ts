import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { EventBus } from '#shared/ports/event-bus.ts';
import { outboxEventsOf } from '#shared/storage/outbox.ts';

export interface OutboxPublisherDeps {
  /** The EventBridge bus (locally, the recording bus). */
  bus: EventBus;
  logger: Logger;
}

/** PutEvents takes ten entries a call: publishing goes in such chunks, in stream order. */
const CHUNK = 10;

/**
 * The table's stream → the event bus: each inserted outbox item is published with its id. A chunk the
 * bus refuses stops the batch and is reported by its first record's sequence number, so the stream
 * retries from there (what went out before it is not sent again by this batch; a consumer dedupes on
 * the id what a retried batch repeats).
 */
export function createOutboxPublisherHandler(deps: OutboxPublisherDeps) {
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const found = outboxEventsOf(event.Records);
    for (let i = 0; i < found.length; i += CHUNK) {
      const chunk = found.slice(i, i + CHUNK);
      try {
        await deps.bus.publish(chunk.map((f) => f.event));
      } catch (err) {
        const first = chunk[0]?.record.dynamodb?.SequenceNumber ?? '';
        deps.logger.warn('outbox events not published; the stream retries', {
          errorName: (err as Error).name,
          events: found.length - i,
        });
        return { batchItemFailures: [{ itemIdentifier: first }] };
      }
    }
    return { batchItemFailures: [] };
  });
}
