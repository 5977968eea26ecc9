import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { defaultRules } from '#shared/config/rules.ts';
import { dailySchedule } from './daily-schedule.ts';
import { grantTableReadWrite } from './data.ts';
import { DuebellFunction } from './node-function.ts';

export interface DailySweepProps {
  /** Path of the sweep's handler module (`functions/sweep/handler.ts`). */
  readonly entry: string;
  /** The table the sweep reads the due-date index of and marks overdue people in. */
  readonly table: Table;
  /** The bus the sweep publishes `InstallmentDueSoon` and `InstallmentOverdue` on. */
  readonly bus: IEventBus;
  /** The queue the sweep puts contact jobs on (`ContactQueue.queue`). */
  readonly contactQueue: IQueue;
  /**
   * The escalation workflow (`Escalation.stateMachine`): the sweep starts an episode when grace is over;
   * `STATE_MACHINE_ARN` is added to the environment.
   */
  readonly stateMachine: IStateMachine;
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
 * sweep cannot be invoked or fails. The sweep queues contact jobs and starts escalation episodes.
 */
export class DailySweep extends Construct {
  readonly sweep: NodejsFunction;
  readonly schedule: Schedule;
  /** Where invocations land that the scheduler gave up on. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: DailySweepProps) {
    super(scope, id);
    this.sweep = new DuebellFunction(this, 'sweep-fn', {
      entry: props.entry,
      environment: {
        ...props.environment,
        CONTACT_QUEUE_URL: props.contactQueue.queueUrl,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
    }).function;
    grantTableReadWrite(props.table, this.sweep);
    props.bus.grantPutEventsTo(this.sweep);
    props.contactQueue.grantSendMessages(this.sweep);
    props.stateMachine.grantStartExecution(this.sweep);

    const daily = dailySchedule(this, {
      target: this.sweep,
      at: props.sweepAt ?? defaultRules.contact.sweepAt,
      timeZone: props.timeZone ?? defaultRules.timezone,
      job: 'daily reminder sweep',
      opsTopic: props.opsTopic,
    });
    this.schedule = daily.schedule;
    this.deadLetters = daily.deadLetters;
  }
}
