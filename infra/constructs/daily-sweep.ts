import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { defaultRules } from '#shared/config/rules.ts';
import { TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { dailySchedule } from './daily-schedule.ts';
import { grantTableAccess } from './data.ts';
import { DuebellFunction } from './node-function.ts';
import { opsAlarm } from './ops-alarm.ts';

export interface DailySweepProps {
  /** Path of the coordinator's handler module (`functions/sweep/handler.ts`). */
  readonly entry: string;
  /** Path of the slice worker's handler module (`functions/sweep-slice/handler.ts`). */
  readonly sliceEntry: string;
  /** The table: the due-date index, the slices' checkpoints, and the outbox the events go to. */
  readonly table: Table;
  /** The queue the sweep puts contact jobs on (`ContactQueue.queue`). */
  readonly contactQueue: IQueue;
  /**
   * The escalation workflow (`Escalation.stateMachine`): the sweep starts an episode when grace is over;
   * `STATE_MACHINE_ARN` is added to the environment.
   */
  readonly stateMachine: IStateMachine;
  /** Environment every function shares (table, partners, rules); the queue URLs are added. */
  readonly environment: Record<string, string>;
  /** Where the schedule's DLQ alarm and the sweep's error alarm go. */
  readonly opsTopic: ITopic;
  /**
   * Local time of the sweep, `HH:MM` in `timeZone`.
   * @default defaultRules.contact.sweepAt ('09:00')
   */
  readonly sweepAt?: string;
  /**
   * IANA time zone of the lender, the one `sweepAt` is read in.
   * @default defaultRules.timezone ('Asia/Shanghai')
   */
  readonly timeZone?: string;
}

/** The slice worker's timeout: its lease (`sweepSliceLeaseSeconds`) and budget are shorter. */
export const SWEEP_SLICE_TIMEOUT_SECONDS = 90;
/** The slice worker's memory (what a slice invocation costs by, with its duration). */
export const SWEEP_SLICE_MEMORY_MB = 1024;

/**
 * The daily reminder sweep. EventBridge Scheduler invokes the coordinator once a day at `sweepAt` in the
 * lender's time zone (retrying for two hours before the event goes to a DLQ); the coordinator queues one
 * slice per (date, stage, shard) on the slice queue, and slice workers page through them with a
 * checkpoint, under a lease shorter than their timeout. A slice that fails is delivered again and
 * resumes from its checkpoint; after 10 deliveries it rests in the slice DLQ. Ops are alarmed when the
 * coordinator cannot be invoked or fails, and at the first slice in the DLQ.
 */
export class DailySweep extends Construct {
  /** The coordinator. */
  readonly sweep: NodejsFunction;
  readonly sliceWorker: NodejsFunction;
  readonly sliceQueue: Queue;
  readonly sliceDeadLetters: Queue;
  readonly schedule: Schedule;
  /** Where invocations land that the scheduler gave up on. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: DailySweepProps) {
    super(scope, id);
    const queueDefaults = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED } as const;
    this.sliceDeadLetters = new Queue(this, 'SliceDeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    this.sliceQueue = new Queue(this, 'Slices', {
      ...queueDefaults,
      // Twice the worker's timeout: a slice is never delivered again while an invocation still works it.
      visibilityTimeout: Duration.seconds(2 * SWEEP_SLICE_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: this.sliceDeadLetters, maxReceiveCount: 10 },
    });

    this.sweep = new DuebellFunction(this, 'sweep-fn', {
      entry: props.entry,
      environment: { ...props.environment, SLICE_QUEUE_URL: this.sliceQueue.queueUrl },
      timeout: Duration.minutes(1),
    }).function;
    grantTableAccess(props.table, this.sweep, TABLE_ACCESS.sweep);
    this.sliceQueue.grantSendMessages(this.sweep);

    this.sliceWorker = new DuebellFunction(this, 'sweep-slice-fn', {
      entry: props.sliceEntry,
      environment: {
        ...props.environment,
        SLICE_QUEUE_URL: this.sliceQueue.queueUrl,
        CONTACT_QUEUE_URL: props.contactQueue.queueUrl,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
      timeout: Duration.seconds(SWEEP_SLICE_TIMEOUT_SECONDS),
      memorySize: SWEEP_SLICE_MEMORY_MB,
    }).function;
    grantTableAccess(props.table, this.sliceWorker, TABLE_ACCESS['sweep-slice']);
    props.contactQueue.grantSendMessages(this.sliceWorker);
    this.sliceQueue.grantSendMessages(this.sliceWorker);
    props.stateMachine.grantStartExecution(this.sliceWorker);
    this.sliceWorker.addEventSource(
      new SqsEventSource(this.sliceQueue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    const daily = dailySchedule(this, {
      target: this.sweep,
      at: props.sweepAt ?? defaultRules.contact.sweepAt,
      timeZone: props.timeZone ?? defaultRules.timezone,
      job: 'daily reminder sweep',
      opsTopic: props.opsTopic,
    });
    this.schedule = daily.schedule;
    this.deadLetters = daily.deadLetters;
    opsAlarm(this, 'SliceDeadLettersAlarm', {
      description: 'A sweep slice failed 10 times: its reminders are not queued. Redrive the slice DLQ.',
      metric: this.sliceDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      opsTopic: props.opsTopic,
    });
  }
}
