import type { DomainEvent } from '#shared/schemas/events.ts';

export interface EventBus {
  publish(events: DomainEvent[]): Promise<void>;
}
