import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { DailyAgeing, type DailyAgeingProps } from '../../infra/constructs/daily-ageing.ts';
import {
  actionsOf,
  actionsOn,
  arnOf,
  bareStack,
  environmentOf,
  expectSslOnly,
  handlerEntry,
  logicalId,
  ref,
} from './bare-stack.ts';

function ageingIn(stack: Stack, props: Partial<DailyAgeingProps> = {}) {
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const bus = new EventBus(stack, 'Bus');
  const stateMachine = new StateMachine(stack, 'Ladder', {
    definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Rung')),
  });
  const opsTopic = new Topic(stack, 'Ops');
  const ageing = new DailyAgeing(stack, 'DailyAgeing', {
    entry: handlerEntry('ageing'),
    table,
    bus,
    stateMachine,
    environment: { TABLE_NAME: 'the-table', RULES: '{}' },
    opsTopic,
    ...props,
  });
  return { ageing, table, bus, stateMachine, opsTopic };
}

describe('DailyAgeing with its defaults', () => {
  let template: Template;
  let parts: ReturnType<typeof ageingIn>;
  beforeAll(() => {
    const stack = bareStack();
    parts = ageingIn(stack);
    template = Template.fromStack(stack);
  });

  it('invokes the job from EventBridge Scheduler at 06:00 Asia/Shanghai, the rules’ defaults', () => {
    expect(defaultRules.collection.ageingAt).toBe('06:00');
    expect(defaultRules.timezone).toBe('Asia/Shanghai');
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Description: 'Daily ageing job at the lender local time',
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: arnOf(parts.ageing.ageing), Input: '{}' }),
    });
  });

  it('retries for two hours, three times, then sends the invocation to an encrypted DLQ kept 14 days', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: arnOf(parts.ageing.deadLetters) },
      }),
    });
    expect(template.toJSON().Resources[logicalId(parts.ageing.deadLetters)].Properties).toEqual({
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
    expectSslOnly(template, parts.ageing.deadLetters);
  });

  it("lets the scheduler's role invoke the job and write to the DLQ, nothing else", () => {
    const schedule = template.findResources('AWS::Scheduler::Schedule');
    const [roleArn] = Object.values(schedule).map((s) => s.Properties.Target.RoleArn);
    const roleId = (roleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const job = arnOf(parts.ageing.ageing);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [job, { 'Fn::Join': ['', [job, ':*']] }],
          },
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arnOf(parts.ageing.deadLetters) },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it('runs the job for up to 5 minutes with 1 GB, given the shared environment and the state machine', () => {
    expect(template.toJSON().Resources[logicalId(parts.ageing.ageing)].Properties).toMatchObject({
      Timeout: 300,
      MemorySize: 1024,
      Runtime: 'nodejs24.x',
    });
    expect(environmentOf(template, parts.ageing.ageing)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'duebell',
      POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
      TABLE_NAME: 'the-table',
      RULES: '{}',
      STATE_MACHINE_ARN: ref(parts.stateMachine),
    });
  });

  it('lets the job use the table and start episodes on the state machine only, not publish on the bus', () => {
    const job = parts.ageing.ageing;
    expect(actionsOn(template, job, ref(parts.stateMachine))).toEqual(['states:StartExecution']);
    expect(actionsOf(template, job).filter((a) => a.startsWith('states:'))).toEqual([
      'states:StartExecution',
    ]);
    // Its events go through the table's outbox: the bus is the publisher's alone.
    expect(actionsOn(template, job, arnOf(parts.bus))).toEqual([]);
    expect(actionsOn(template, job, arnOf(parts.table))).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
    const actions = actionsOf(template, job);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    for (const prefix of ['sqs:', 'lambda:', 'sns:', 'ses:', 'kms:', 'secretsmanager:']) {
      expect(
        actions.filter((a) => a.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    }
  });

  it('alarms ops at the first invocation in the DLQ and at the first job error', () => {
    const common = {
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(parts.opsTopic)],
    };
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      AlarmDescription: 'The daily ageing job could not be invoked',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(parts.ageing.deadLetters), 'QueueName'] } },
      ],
      Period: 300,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      AlarmDescription: 'The daily ageing job failed',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(parts.ageing.ageing) }],
      Statistic: 'Sum',
      Period: 900,
    });
  });
});

describe('DailyAgeing in another lender’s time zone', () => {
  it('fires at ageingAt in timeZone', () => {
    const stack = bareStack();
    ageingIn(stack, { ageingAt: '05:15', timeZone: 'Asia/Jakarta' });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 5 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
    });
  });
});
