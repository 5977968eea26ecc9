import { appendFileSync } from 'node:fs';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';

/** In-process bus: keeps events in order and, when given a file, appends them as JSON lines. */
export class RecordingEventBus implements EventBus {
  readonly events: DomainEvent[] = [];
  constructor(private readonly jsonlPath?: string) {}

  async publish(events: DomainEvent[]): Promise<void> {
    for (const e of events) {
      this.events.push(e);
      if (this.jsonlPath)
        appendFileSync(
          this.jsonlPath,
          `${JSON.stringify({ ...('id' in e ? { id: e.id } : {}), at: e.at, type: e.type, ...e.detail })}\n`,
        );
    }
  }
}
