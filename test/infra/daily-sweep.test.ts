import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { DailySweep, type DailySweepProps } from '../../infra/constructs/daily-sweep.ts';
import {
  actionsOf,
  actionsOn,
  arnOf,
  bareStack,
  environmentOf,
  handlerEntry,
  logicalId,
  ref,
} from './bare-stack.ts';

function sweepIn(stack: Stack, props: Partial<DailySweepProps> = {}) {
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const contactQueue = new Queue(stack, 'ContactQueue');
  const stateMachine = new StateMachine(stack, 'Ladder', {
    definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Rung')),
  });
  const opsTopic = new Topic(stack, 'Ops');
  const sweep = new DailySweep(stack, 'DailySweep', {
    entry: handlerEntry('sweep'),
    sliceEntry: handlerEntry('sweep-slice'),
    table,
    contactQueue,
    stateMachine,
    environment: { TABLE_NAME: 'the-table', RULES: '{}' },
    opsTopic,
    ...props,
  });
  return { sweep, table, contactQueue, stateMachine, opsTopic };
}

describe('DailySweep with its defaults', () => {
  let template: Template;
  let parts: ReturnType<typeof sweepIn>;
  beforeAll(() => {
    const stack = bareStack();
    parts = sweepIn(stack);
    template = Template.fromStack(stack);
  });

  it('invokes the sweep from EventBridge Scheduler at 09:00 Asia/Shanghai, the rules’ defaults', () => {
    expect(defaultRules.contact.sweepAt).toBe('09:00');
    expect(defaultRules.timezone).toBe('Asia/Shanghai');
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: arnOf(parts.sweep.sweep), Input: '{}' }),
    });
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('retries for two hours, three times, then sends the invocation to an encrypted DLQ kept 14 days', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: arnOf(parts.sweep.deadLetters) },
      }),
    });
    expect(template.toJSON().Resources[logicalId(parts.sweep.deadLetters)].Properties).toEqual({
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
  });

  it("lets the scheduler's role invoke the sweep and write to the DLQ, nothing else", () => {
    const schedule = template.findResources('AWS::Scheduler::Schedule');
    const [roleArn] = Object.values(schedule).map((s) => s.Properties.Target.RoleArn);
    const roleId = (roleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [arnOf(parts.sweep.sweep), { 'Fn::Join': ['', [arnOf(parts.sweep.sweep), ':*']] }],
          },
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arnOf(parts.sweep.deadLetters) },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it('runs the coordinator for a minute with the slice queue, and the slice worker for 90 s with 1 GB', () => {
    expect(environmentOf(template, parts.sweep.sweep)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'duebell',
      POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
      TABLE_NAME: 'the-table',
      RULES: '{}',
      SLICE_QUEUE_URL: ref(parts.sweep.sliceQueue),
    });
    expect(environmentOf(template, parts.sweep.sliceWorker)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'duebell',
      POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
      TABLE_NAME: 'the-table',
      RULES: '{}',
      SLICE_QUEUE_URL: ref(parts.sweep.sliceQueue),
      CONTACT_QUEUE_URL: ref(parts.contactQueue),
      STATE_MACHINE_ARN: ref(parts.stateMachine),
    });
    const fn = (f: typeof parts.sweep.sweep) => template.toJSON().Resources[logicalId(f)].Properties;
    expect(fn(parts.sweep.sweep)).toMatchObject({ Timeout: 60, Runtime: 'nodejs24.x' });
    expect(fn(parts.sweep.sliceWorker)).toMatchObject({ Timeout: 90, MemorySize: 1024 });
  });

  it('holds a slice under a lease shorter than the worker’s timeout, and its budget shorter still', () => {
    const timeout = template.toJSON().Resources[logicalId(parts.sweep.sliceWorker)].Properties.Timeout;
    expect(defaultRules.contact.sweepSliceLeaseSeconds).toBeLessThan(timeout);
    expect(defaultRules.contact.sweepSliceBudgetSeconds).toBeLessThan(
      defaultRules.contact.sweepSliceLeaseSeconds,
    );
  });

  it('delivers slices one at a time, again after twice the worker’s timeout, 10 times before the slice DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: arnOf(parts.sweep.sliceQueue),
    });
    expect(template.toJSON().Resources[logicalId(parts.sweep.sliceQueue)].Properties).toMatchObject({
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: arnOf(parts.sweep.sliceDeadLetters), maxReceiveCount: 10 },
    });
  });

  it('lets the coordinator queue slices and the workers queue jobs and start episodes; neither holds a key or a sender', () => {
    const { sweep, sliceWorker, sliceQueue } = parts.sweep;
    expect(actionsOn(template, sweep, arnOf(sliceQueue))).toEqual([
      'sqs:SendMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ]);
    expect(actionsOn(template, sliceWorker, arnOf(parts.contactQueue))).toEqual([
      'sqs:SendMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ]);
    expect(actionsOn(template, sliceWorker, ref(parts.stateMachine))).toEqual(['states:StartExecution']);
    expect(actionsOf(template, sweep).filter((a) => a.startsWith('states:'))).toEqual([]);
    for (const fn of [sweep, sliceWorker]) {
      expect(actionsOf(template, fn)).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
      );
      for (const action of [
        'events:PutEvents',
        'sns:Publish',
        'ses:SendEmail',
        'kms:Decrypt',
        'secretsmanager:GetSecretValue',
      ]) {
        expect(actionsOf(template, fn)).not.toContain(action);
      }
    }
  });

  it('alarms ops at the first invocation in the DLQ, the first coordinator error and the first slice in the slice DLQ', () => {
    const common = {
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(parts.opsTopic)],
    };
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(parts.sweep.sliceDeadLetters), 'QueueName'] },
        },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(parts.sweep.deadLetters), 'QueueName'] } },
      ],
      Period: 300,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(parts.sweep.sweep) }],
      Statistic: 'Sum',
      Period: 900,
    });
  });
});

describe('DailySweep in another lender’s time zone', () => {
  it('fires at sweepAt in timeZone', () => {
    const stack = bareStack();
    sweepIn(stack, { sweepAt: '07:45', timeZone: 'Asia/Jakarta' });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(45 7 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
    });
  });
});
