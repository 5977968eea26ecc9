import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBus } from '#shared/ports/event-bus.ts';
import { type DomainEvent, EVENT_SOURCE } from '#shared/schemas/events.ts';

const BATCH = 10;

export class EventBridgePutEventsError extends Error {
  override name = 'EventBridgePutEventsError';
}

/** PutEvents in batches of 10; a partly failed batch is retried once for its failed entries, then reported. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += BATCH) {
      let entries = events.slice(i, i + BATCH).map((e) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: e.type,
        Time: new Date(e.at),
        // The id lets consumers drop a repeat (the stream delivers at least once).
        Detail: JSON.stringify('id' in e ? { id: e.id, ...e.detail } : e.detail),
      }));
      for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
        const out = await this.client.send(new PutEventsCommand({ Entries: entries }));
        if (!out.FailedEntryCount) entries = [];
        else entries = entries.filter((_, idx) => out.Entries?.[idx]?.ErrorCode);
      }
      if (entries.length > 0)
        throw new EventBridgePutEventsError(`${entries.length} events were not accepted`);
    }
  }
}
