import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { minuteOfDay } from '#shared/lending/calendar.ts';
import { opsAlarm } from './ops-alarm.ts';

export interface DailyScheduleProps {
  /** The function the schedule invokes, with `{}` as its event. */
  readonly target: NodejsFunction;
  /** Local time of the run, `HH:MM` in `timeZone`. */
  readonly at: string;
  /** IANA time zone `at` is read in. */
  readonly timeZone: string;
  /** What the job is, in lower case, for the schedule's description and the alarms ('daily reminder sweep'). */
  readonly job: string;
  /** Where the DLQ alarm and the error alarm go. */
  readonly opsTopic: ITopic;
}

export interface DailyScheduleParts {
  readonly schedule: Schedule;
  /** Where invocations land that the scheduler gave up on. */
  readonly deadLetters: Queue;
}

/**
 * A daily job's schedule, in `scope` (children `ScheduleDlq`, `Schedule`, `ScheduleDlqAlarm`,
 * `ErrorsAlarm`): EventBridge Scheduler invokes `target` once a day at `at` in `timeZone`, retrying three
 * times for up to two hours before the invocation goes to an encrypted DLQ kept 14 days; ops are alarmed
 * at the first invocation in the DLQ and at the first error of the function.
 */
export function dailySchedule(scope: Construct, props: DailyScheduleProps): DailyScheduleParts {
  const deadLetters = new Queue(scope, 'ScheduleDlq', {
    enforceSSL: true,
    encryption: QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetters).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the scheduler target's dead-letter queue (set on the schedule, where cdk-nag does not look).",
  });

  const at = minuteOfDay(props.at);
  const schedule = new Schedule(scope, 'Schedule', {
    description: `${props.job.charAt(0).toUpperCase()}${props.job.slice(1)} at the lender local time`,
    schedule: ScheduleExpression.cron({
      minute: String(at % 60),
      hour: String(Math.floor(at / 60)),
      timeZone: TimeZone.of(props.timeZone),
    }),
    target: new LambdaInvoke(props.target, {
      input: ScheduleTargetInput.fromObject({}),
      retryAttempts: 3,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: deadLetters,
    }),
  });
  // The target's role is a stack-level singleton CDK creates for the function, so the finding is
  // acknowledged on the stack, for this function's ARN only.
  const targetId = Stack.of(scope).getLogicalId(props.target.node.defaultChild as CfnFunction);
  Validations.of(Stack.of(scope)).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${targetId}.Arn>:*]`,
    reason: `The scheduler's role may invoke the ${props.job} function and its versions only (the grant CDK writes for the target).`,
  });

  opsAlarm(scope, 'ScheduleDlqAlarm', {
    description: `The ${props.job} could not be invoked`,
    metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    opsTopic: props.opsTopic,
  });
  opsAlarm(scope, 'ErrorsAlarm', {
    description: `The ${props.job} failed`,
    metric: props.target.metricErrors({ period: Duration.minutes(15) }),
    opsTopic: props.opsTopic,
  });
  return { schedule, deadLetters };
}
