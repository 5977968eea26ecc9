import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DuebellFunction } from './node-function.ts';
import { opsAlarm } from './ops-alarm.ts';

export interface OutboxPublisherProps {
  /** Path of the publisher's handler module (`functions/outbox-publisher/handler.ts`). */
  readonly entry: string;
  /** The table whose stream carries the outbox (it must have a stream). */
  readonly table: Table;
  /** The bus the events are published on. */
  readonly bus: IEventBus;
  /** `EVENT_BUS_NAME` and the rest of the shared environment. */
  readonly environment: Record<string, string>;
  /** Where the lag and dead-letter alarms go. */
  readonly opsTopic: ITopic;
}

/**
 * The event outbox's publisher: the table's stream, filtered to inserted outbox items, invokes one
 * function that puts each event on the bus. Records it cannot publish are retried from the one that
 * failed; after a day of failures they go to a DLQ, and ops are alarmed on the DLQ (the lag alarm is
 * with the other ops alarms).
 */
export class OutboxPublisher extends Construct {
  readonly publisher: NodejsFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: OutboxPublisherProps) {
    super(scope, id);
    this.publisher = new DuebellFunction(this, 'publisher-fn', {
      entry: props.entry,
      environment: { EVENT_BUS_NAME: props.bus.eventBusName, ...props.environment },
      timeout: Duration.seconds(30),
    }).function;
    props.bus.grantPutEventsTo(this.publisher);
    Validations.of(this.publisher).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the stream event source needs, does not support resource-level permissions.',
    });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the DLQ: the stream event source's on-failure destination, which cdk-nag does not recognise as one.",
    });
    this.publisher.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        retryAttempts: 10_000,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.deadLetters),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { kind: { S: FilterRule.isEqual('outbox') } } },
          }),
        ],
      }),
    );
    opsAlarm(this, 'DeadLetterAlarm', {
      description:
        'Outbox events were given up on after a day of failed publishing: replay them from the DLQ.',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      opsTopic: props.opsTopic,
    });
  }
}
