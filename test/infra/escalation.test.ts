import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { Escalation, type EscalationProps } from '../../infra/constructs/escalation.ts';
import { ladderStateNames, RUNG_RETRY } from '../../infra/constructs/escalation-definition.ts';
import {
  actionsOn,
  arnOf,
  bareStack,
  definitionOf,
  environmentOf,
  expectSslOnly,
  handlerEntry,
  logicalId,
  placeholderArn,
  ref,
  statementsOf,
} from './bare-stack.ts';

function escalationIn(stack: Stack, props: Partial<EscalationProps> = {}) {
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const bus = new EventBus(stack, 'Bus');
  const contactQueue = new Queue(stack, 'ContactQueue');
  const opsTopic = new Topic(stack, 'Ops');
  const escalation = new Escalation(stack, 'Escalation', {
    entry: handlerEntry('escalation-step'),
    table,
    bus,
    contactQueue,
    environment: { TABLE_NAME: 'the-table', EVENT_BUS_NAME: 'the-bus', RULES: '{}' },
    opsTopic,
    ...props,
  });
  return { escalation, table, bus, contactQueue, opsTopic };
}

const names = ladderStateNames;
const rungRetry = {
  ErrorEquals: ['States.ALL'],
  IntervalSeconds: RUNG_RETRY.interval.toSeconds(),
  MaxAttempts: RUNG_RETRY.maxAttempts,
  BackoffRate: RUNG_RETRY.backoffRate,
};

describe('Escalation with its defaults', () => {
  let template: Template;
  let parts: ReturnType<typeof escalationIn>;
  beforeAll(() => {
    const stack = bareStack();
    parts = escalationIn(stack);
    template = Template.fromStack(stack);
  });

  it('is one Standard state machine, logging every event (no execution data) to its log group, traced', () => {
    const { logGroup } = parts.escalation;
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arnOf(logGroup) } }],
        IncludeExecutionData: false,
        Level: 'ALL',
      },
      TracingConfiguration: { Enabled: true },
    });
    expect(template.toJSON().Resources[logicalId(logGroup)]).toMatchObject({
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
  });

  it('walks the default ladder: per rung in order, a wait until $.nextAt, the rung task and a choice', () => {
    const ladder = defaultRules.collection.ladder.map((r) => r.id);
    expect(ladder).toEqual(['D+4', 'D+7', 'D+15', 'D+30', 'D+60', 'D+90', 'D+120']);
    const { StartAt, States } = definitionOf(template, parts.escalation.stateMachine);
    const stepArn = placeholderArn(logicalId(parts.escalation.stepFunction));

    expect(StartAt).toBe(names.waitFor('D+4'));
    expect(Object.keys(States).sort()).toEqual(
      [
        ...ladder.flatMap((id) => [names.waitFor(id), names.step(id), names.after(id)]),
        names.recordFailure,
        names.over,
        names.failed,
      ].sort(),
    );
    for (const id of ladder) {
      expect(States[names.waitFor(id)]).toEqual({
        Type: 'Wait',
        TimestampPath: '$.nextAt',
        Next: names.step(id),
      });
      expect(States[names.step(id)]).toMatchObject({
        Type: 'Task',
        Resource: stepArn,
        Parameters: {
          action: 'take-rung',
          rung: id,
          'loanId.$': '$.loanId',
          'episode.$': '$.episode',
          'scheduledAt.$': '$.nextAt',
        },
        Next: names.after(id),
      });
      // Every rung may lead to any rung (the same one after a pause, a later one when dates moved), in
      // ladder order, or end the episode.
      expect(States[names.after(id)]).toEqual({
        Type: 'Choice',
        Choices: ladder.map((target) => ({
          Variable: '$.next',
          StringEquals: target,
          Next: names.waitFor(target),
        })),
        Default: names.over,
      });
    }
    expect(States[names.over]?.Type).toBe('Succeed');
  });

  it('retries every task with backoff; a rung still failing is caught, recorded, and fails the execution', () => {
    const { States } = definitionOf(template, parts.escalation.stateMachine);
    const tasks = Object.entries(States).filter(([, s]) => s.Type === 'Task');
    expect(tasks).toHaveLength(defaultRules.collection.ladder.length + 1);
    expect(rungRetry.BackoffRate).toBeGreaterThan(1);
    for (const [, task] of tasks) {
      expect(task.Retry).toEqual([rungRetry]);
      expect(task.Resource).toBe(placeholderArn(logicalId(parts.escalation.stepFunction)));
    }
    for (const [name, task] of tasks.filter(([name]) => name !== names.recordFailure)) {
      expect(task.Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: names.recordFailure },
      ]);
    }
    const recordFailure = States[names.recordFailure];
    expect(recordFailure).toMatchObject({
      Parameters: { action: 'record-failure', 'error.$': '$.error' },
      Next: names.failed,
    });
    expect(recordFailure?.Catch).toBeUndefined();
    expect(States[names.failed]).toMatchObject({ Type: 'Fail', Error: 'EscalationStepFailed' });
  });

  it("lets the state machine's role invoke the step function and nothing else but log delivery and X-Ray", () => {
    const { role } = parts.escalation.stateMachine;
    expect(template.toJSON().Resources[logicalId(parts.escalation.stateMachine)].Properties.RoleArn).toEqual(
      arnOf(role),
    );
    expect(
      template.toJSON().Resources[logicalId(role)].Properties.AssumeRolePolicyDocument.Statement,
    ).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Principal: { Service: 'states.amazonaws.com' } }),
    ]);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter(
      (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([ref(role)]),
    );
    expect(policies).toHaveLength(1);
    const step = arnOf(parts.escalation.stepFunction);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [step, { 'Fn::Join': ['', [step, ':*']] }],
      },
      {
        // CloudWatch Logs delivery and X-Ray have no resource-level permissions.
        Action: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });

  it('keeps agent and legal tasks 14 days, encrypted, moving them to their own DLQ after 10 receives', () => {
    const { agentQueue, agentDeadLetters, legalQueue, legalDeadLetters } = parts.escalation;
    for (const [queue, deadLetters] of [
      [agentQueue, agentDeadLetters],
      [legalQueue, legalDeadLetters],
    ] as const) {
      expect(template.toJSON().Resources[logicalId(queue)].Properties).toEqual({
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedrivePolicy: { deadLetterTargetArn: arnOf(deadLetters), maxReceiveCount: 10 },
        SqsManagedSseEnabled: true,
      });
      expect(template.toJSON().Resources[logicalId(deadLetters)].Properties).toEqual({
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
      });
    }
    template.resourceCountIs('AWS::SQS::Queue', 5); // the two pairs and the test's contact queue
  });

  it('refuses plain-HTTP access to the task queues and their DLQs', () => {
    const { agentQueue, agentDeadLetters, legalQueue, legalDeadLetters } = parts.escalation;
    for (const queue of [agentQueue, agentDeadLetters, legalQueue, legalDeadLetters]) {
      expectSslOnly(template, queue);
    }
  });

  it('runs the step for up to 60 s with the shared environment and the three queue URLs, exactly', () => {
    const { stepFunction, agentQueue, legalQueue } = parts.escalation;
    expect(template.toJSON().Resources[logicalId(stepFunction)].Properties).toMatchObject({
      Timeout: 60,
      MemorySize: 512,
      Runtime: 'nodejs24.x',
    });
    expect(environmentOf(template, stepFunction)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'duebell',
      POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
      TABLE_NAME: 'the-table',
      EVENT_BUS_NAME: 'the-bus',
      RULES: '{}',
      CONTACT_QUEUE_URL: ref(parts.contactQueue),
      AGENT_QUEUE_URL: ref(agentQueue),
      LEGAL_QUEUE_URL: ref(legalQueue),
    });
  });

  it('lets the step use the table and send to the three queues, and nothing else', () => {
    const { stepFunction, agentQueue, legalQueue } = parts.escalation;
    const send = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
    for (const queue of [parts.contactQueue, agentQueue, legalQueue]) {
      expect(actionsOn(template, stepFunction, arnOf(queue))).toEqual(send);
    }
    // Its events go through the table's outbox: the bus is the publisher's alone.
    expect(actionsOn(template, stepFunction, arnOf(parts.bus))).toEqual([]);
    const onTable = actionsOn(template, stepFunction, arnOf(parts.table));
    expect([...onTable].sort()).toEqual([...TABLE_ACCESS['escalation-step']]);
    expect(actionsOn(template, stepFunction, '*')).toEqual([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
    ]);

    const resources = statementsOf(template, stepFunction).flatMap((s) => [s.Resource].flat());
    const expected = [
      '*',
      arnOf(parts.table),
      arnOf(parts.contactQueue),
      arnOf(agentQueue),
      arnOf(legalQueue),
    ].map((r) => JSON.stringify(r));
    expect([...new Set(resources.map((r) => JSON.stringify(r)))].sort()).toEqual(expected.sort());
    const actions = statementsOf(template, stepFunction).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    for (const prefix of ['states:', 'lambda:', 'sns:', 'ses:', 'kms:', 'secretsmanager:']) {
      expect(
        actions.filter((a) => a.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    }
  });

  describe('alarms ops', () => {
    const common = (opsTopic: Topic) => ({
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(opsTopic)],
    });

    it('six alarms in all, every one to the ops topic', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(6);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([ref(parts.opsTopic)]);
    });

    it('at the first failed and the first timed-out execution', () => {
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          ...common(parts.opsTopic),
          Namespace: 'AWS/States',
          MetricName: metric,
          Dimensions: [{ Name: 'StateMachineArn', Value: ref(parts.escalation.stateMachine) }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
        });
      }
    });

    it('at the first recorded step failure, as the step publishes it through Powertools', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...common(parts.opsTopic),
        Namespace: 'Duebell',
        MetricName: 'EscalationStepFailed',
        // Powertools Metrics adds the service dimension to every metric it publishes.
        Dimensions: [{ Name: 'service', Value: 'duebell' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
      });
    });

    it('when open episodes reach 800,000 in a day, 80 % of the 1,000,000 open executions Step Functions allows', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...common(parts.opsTopic),
        Namespace: 'Duebell',
        MetricName: 'OpenEscalationEpisodes',
        Dimensions: [{ Name: 'service', Value: 'duebell' }],
        Statistic: 'Maximum',
        Period: 86_400,
        Threshold: 800_000,
      });
    });

    it('at the first agent or legal task in a DLQ', () => {
      for (const deadLetters of [parts.escalation.agentDeadLetters, parts.escalation.legalDeadLetters]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          ...common(parts.opsTopic),
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(deadLetters), 'QueueName'] } }],
          Period: 300,
          Threshold: 1,
        });
      }
    });
  });
});

describe('Escalation with its options', () => {
  it('builds the states of another ladder, and alarms at 80 % of a raised quota', () => {
    const stack = bareStack();
    const { ladder } = loadRules({
      collection: {
        ladder: [
          { id: 'D+5', offsetDays: 5, channels: ['sms'] },
          { id: 'D+45', offsetDays: 45, task: 'agent_call' },
        ],
      },
    }).collection;
    const { escalation } = escalationIn(stack, { ladder, openExecutionsQuota: 2_000_000 });
    const template = Template.fromStack(stack);
    const { StartAt, States } = definitionOf(template, escalation.stateMachine);
    expect(StartAt).toBe(names.waitFor('D+5'));
    expect(Object.keys(States).filter((name) => States[name]?.Type === 'Task')).toEqual(
      expect.arrayContaining(['D+5', 'D+45', names.recordFailure]),
    );
    expect(Object.keys(States)).toHaveLength(2 * 3 + 3);
    expect(States[names.after('D+5')]?.Choices?.map((c) => c.Next)).toEqual([
      names.waitFor('D+5'),
      names.waitFor('D+45'),
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OpenEscalationEpisodes',
      Threshold: 1_600_000,
    });
  });
});
