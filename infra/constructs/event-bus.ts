import { RemovalPolicy } from 'aws-cdk-lib';
import { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '#shared/schemas/events.ts';

/** The `duebell` custom bus for domain events, archived so partners' consumers can replay. */
export class DuebellEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: EVENT_SOURCE });
    new Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: undefined,
      description: 'All Duebell domain events',
    }).applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
