import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Rules } from '#shared/config/rules.ts';
import { minuteOfDay } from '#shared/lending/calendar.ts';
import { DuebellFunction } from './node-function.ts';

export interface RemindersProps {
  readonly table: Table;
  readonly fieldKey: Key;
  readonly identityHmacSecret: Secret;
  readonly bus: EventBus;
  /** Environment every function shares (table, bus, partners, rules). */
  readonly environment: Record<string, string>;
  readonly rules: Rules;
  /** Where alarms go. */
  readonly opsTopic: Topic;
  /** SES identity the reminder emails are sent from. Default: any identity of the account in this region. */
  readonly emailIdentityArn?: string;
  readonly entry: (name: string) => string;
}

/**
 * Reminders: EventBridge Scheduler fires the sweep daily at 09:00 lender time (retries, DLQ); the sweep
 * queues jobs on SQS; the sender consumes them with bounded concurrency and sends through SNS (SMS) and
 * SES (email); poison jobs land in a DLQ with an alarm; inbound SMS replies reach the opt-out handler.
 */
export class Reminders extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly sweep: NodejsFunction;
  readonly sender: NodejsFunction;
  readonly inboundSms: NodejsFunction;
  readonly inboundTopic: Topic;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: RemindersProps) {
    super(scope, id);
    const { rules } = props;
    const queueDefaults = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED } as const;
    this.deadLetters = new Queue(this, 'ContactDlq', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'ContactQueue', {
      ...queueDefaults,
      // Six times the sender's timeout, as Lambda's SQS integration asks.
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 10 },
    });
    const scheduleDlq = new Queue(this, 'ScheduleDlq', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(scheduleDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the scheduler target's dead-letter queue (set on the schedule, where cdk-nag does not look).",
    });

    const env = { ...props.environment, CONTACT_QUEUE_URL: this.queue.queueUrl };
    this.sweep = new DuebellFunction(this, 'sweep-fn', {
      entry: props.entry('sweep'),
      environment: env,
      timeout: Duration.minutes(5),
      memorySize: 1024,
    }).function;
    this.sender = new DuebellFunction(this, 'send-contact-fn', {
      entry: props.entry('send-contact'),
      environment: env,
    }).function;
    this.inboundSms = new DuebellFunction(this, 'inbound-sms-fn', {
      entry: props.entry('inbound-sms'),
      environment: env,
    }).function;

    for (const fn of [this.sweep, this.sender, this.inboundSms]) props.table.grantReadWriteData(fn);
    props.bus.grantPutEventsTo(this.sweep);
    props.bus.grantPutEventsTo(this.sender);
    this.queue.grantSendMessages(this.sweep);
    // Each is given one key: the sender decrypts addresses; inbound SMS hashes the replying number.
    props.fieldKey.grantDecrypt(this.sender);
    this.sender.addEnvironment('FIELD_KEY_ID', props.fieldKey.keyArn);
    props.identityHmacSecret.grantRead(this.inboundSms);
    this.inboundSms.addEnvironment('IDENTITY_HMAC_SECRET_ARN', props.identityHmacSecret.secretArn);
    this.sender.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          props.emailIdentityArn ??
            `arn:aws:ses:${this.sweep.stack.region}:${this.sweep.stack.account}:identity/*`,
        ],
      }),
    );
    Validations.of(this.sender).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SNS Publish to a phone number (direct SMS) has no resource ARN to scope to; the statement allows sns:Publish only.',
    });
    if (!props.emailIdentityArn) {
      Validations.of(this.sender).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:aws:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        reason:
          'SES identities of this account and region only; set emailIdentityArn to pin the one sending identity.',
      });
    }
    this.sender.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxConcurrency: rules.contact.senderMaxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    const sweepAt = minuteOfDay(rules.contact.sweepAt);
    this.schedule = new Schedule(this, 'DailySweep', {
      description: 'Daily reminder sweep at the lender local time',
      schedule: ScheduleExpression.cron({
        minute: String(sweepAt % 60),
        hour: String(Math.floor(sweepAt / 60)),
        timeZone: TimeZone.of(rules.timezone),
      }),
      target: new LambdaInvoke(this.sweep, {
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: scheduleDlq,
      }),
    });

    const sweepId = Stack.of(this).getLogicalId(this.sweep.node.defaultChild as CfnFunction);
    Validations.of(Stack.of(this)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${sweepId}.Arn>:*]`,
      reason:
        "The scheduler's role may invoke the sweep function and its versions only (the grant CDK writes for the target).",
    });

    this.inboundTopic = new Topic(this, 'InboundSms', { enforceSSL: true, masterKey: props.fieldKey });
    this.inboundSms.addEventSource(new SnsEventSource(this.inboundTopic));

    const alarmOnDepth = (name: string, queue: Queue, description: string) => {
      const alarm = new Alarm(this, name, {
        alarmDescription: description,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(props.opsTopic));
    };
    alarmOnDepth('ContactDlqAlarm', this.deadLetters, 'Contact jobs failed 10 times and wait in the DLQ');
    alarmOnDepth('ScheduleDlqAlarm', scheduleDlq, 'The daily sweep could not be invoked');
    const sweepErrors = new Alarm(this, 'SweepErrorsAlarm', {
      alarmDescription: 'The daily reminder sweep failed',
      metric: this.sweep.metricErrors({ period: Duration.minutes(15) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    sweepErrors.addAlarmAction(new SnsAction(props.opsTopic));
  }
}
