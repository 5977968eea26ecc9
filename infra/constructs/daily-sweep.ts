import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultRules } from '#shared/config/rules.ts';
import { minuteOfDay } from '#shared/lending/calendar.ts';
import { grantTableReadWrite } from './data.ts';
import { DuebellFunction } from './node-function.ts';
import { opsAlarm } from './ops-alarm.ts';

export interface DailySweepProps {
  /** Path of the sweep's handler module (`functions/sweep/handler.ts`). */
  readonly entry: string;
  /** The table the sweep reads the due-date index of and marks overdue people in. */
  readonly table: Table;
  /** The bus the sweep publishes `InstallmentDueSoon` and `InstallmentOverdue` on. */
  readonly bus: IEventBus;
  /** The queue the sweep puts contact jobs on (`ContactQueue.queue`). */
  readonly contactQueue: IQueue;
  /** Environment every function shares (table, bus, partners, rules); `CONTACT_QUEUE_URL` is added. */
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

/**
 * The daily reminder sweep: EventBridge Scheduler invokes the sweep function once a day at `sweepAt` in
 * the lender's time zone, retrying for two hours before the event goes to a DLQ; ops are alarmed when the
 * sweep cannot be invoked or fails.
 */
export class DailySweep extends Construct {
  readonly sweep: NodejsFunction;
  readonly schedule: Schedule;
  /** Where invocations land that the scheduler gave up on. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: DailySweepProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'ScheduleDlq', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the scheduler target's dead-letter queue (set on the schedule, where cdk-nag does not look).",
    });

    this.sweep = new DuebellFunction(this, 'sweep-fn', {
      entry: props.entry,
      environment: { ...props.environment, CONTACT_QUEUE_URL: props.contactQueue.queueUrl },
      timeout: Duration.minutes(5),
      memorySize: 1024,
    }).function;
    grantTableReadWrite(props.table, this.sweep);
    props.bus.grantPutEventsTo(this.sweep);
    props.contactQueue.grantSendMessages(this.sweep);

    const sweepAt = minuteOfDay(props.sweepAt ?? defaultRules.contact.sweepAt);
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Daily reminder sweep at the lender local time',
      schedule: ScheduleExpression.cron({
        minute: String(sweepAt % 60),
        hour: String(Math.floor(sweepAt / 60)),
        timeZone: TimeZone.of(props.timeZone ?? defaultRules.timezone),
      }),
      target: new LambdaInvoke(this.sweep, {
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetters,
      }),
    });
    // The target's role is a stack-level singleton CDK creates for the function, so the finding is
    // acknowledged on the stack, for this function's ARN only.
    const sweepId = Stack.of(this).getLogicalId(this.sweep.node.defaultChild as CfnFunction);
    Validations.of(Stack.of(this)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${sweepId}.Arn>:*]`,
      reason:
        "The scheduler's role may invoke the sweep function and its versions only (the grant CDK writes for the target).",
    });

    opsAlarm(this, 'ScheduleDlqAlarm', {
      description: 'The daily sweep could not be invoked',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      opsTopic: props.opsTopic,
    });
    opsAlarm(this, 'ErrorsAlarm', {
      description: 'The daily reminder sweep failed',
      metric: this.sweep.metricErrors({ period: Duration.minutes(15) }),
      opsTopic: props.opsTopic,
    });
  }
}
