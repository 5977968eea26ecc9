import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { defaultRules } from '#shared/config/rules.ts';
import { TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { dailySchedule } from './daily-schedule.ts';
import { grantTableAccess } from './data.ts';
import { DuebellFunction } from './node-function.ts';

export interface DailyAgeingProps {
  /** Path of the ageing job's handler module (`functions/ageing/handler.ts`). */
  readonly entry: string;
  /** The table the job reads the ageing index of and writes DPD, standing and the snapshot to. */
  readonly table: Table;
  /** The bus the job publishes `LoanNonPerforming` and `LoanChargedOff` on. */
  readonly bus: IEventBus;
  /**
   * The escalation workflow (`Escalation.stateMachine`): the job starts any episode a missed sweep left
   * unstarted; `STATE_MACHINE_ARN` is added to the environment.
   */
  readonly stateMachine: IStateMachine;
  /** Environment every function shares (table, bus, partners, rules). */
  readonly environment: Record<string, string>;
  /** Where the schedule's DLQ alarm and the job's error alarm go. */
  readonly opsTopic: ITopic;
  /**
   * Local time of the job, `HH:MM` in `timeZone`: after midnight, before the sweep.
   * @default defaultRules.collection.ageingAt ('06:00')
   */
  readonly ageingAt?: string;
  /**
   * IANA time zone of the lender, the one `ageingAt` is read in.
   * @default defaultRules.timezone ('Asia/Shanghai')
   */
  readonly timeZone?: string;
}

/**
 * The daily ageing job: EventBridge Scheduler invokes the ageing function once a day at `ageingAt` in the
 * lender's time zone, with the sweep's retries, DLQ and alarms. The job reads only the loans past due,
 * ages them, writes the portfolio snapshot and starts the episodes a missed sweep left unstarted.
 */
export class DailyAgeing extends Construct {
  readonly ageing: NodejsFunction;
  readonly schedule: Schedule;
  /** Where invocations land that the scheduler gave up on. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: DailyAgeingProps) {
    super(scope, id);
    this.ageing = new DuebellFunction(this, 'ageing-fn', {
      entry: props.entry,
      environment: { ...props.environment, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      timeout: Duration.minutes(5),
      memorySize: 1024,
    }).function;
    grantTableAccess(props.table, this.ageing, TABLE_ACCESS.ageing);
    props.stateMachine.grantStartExecution(this.ageing);

    const daily = dailySchedule(this, {
      target: this.ageing,
      at: props.ageingAt ?? defaultRules.collection.ageingAt,
      timeZone: props.timeZone ?? defaultRules.timezone,
      job: 'daily ageing job',
      opsTopic: props.opsTopic,
    });
    this.schedule = daily.schedule;
    this.deadLetters = daily.deadLetters;
  }
}
