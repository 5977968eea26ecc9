import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { opsRouteTable, routeTable } from '#shared/http/route-table.ts';
import { buildApp } from '../../infra/app.ts';
import { ladderStateNames } from '../../infra/constructs/escalation-definition.ts';
import { dashboardRows } from '../../infra/constructs/ops-dashboard.ts';
import type { DuebellStack } from '../../infra/duebell-stack.ts';
import {
  actionsOf,
  actionsOn,
  arnOf,
  dashboardWidgets,
  definitionOf,
  environmentOf,
  logicalId,
  ref,
  skipBundling,
  widgetsByRow,
} from './bare-stack.ts';

/** Overrides of a deployment, each reaching a different construct. */
const rules = loadRules({
  timezone: 'Asia/Jakarta',
  contact: { sweepAt: '08:30', senderMaxConcurrency: 3 },
  api: { throttleRatePerSecond: 20, quotaPerDay: 5000 },
  collection: { ageingAt: '05:30', ladder: defaultRules.collection.ladder.slice(0, 3) },
});

let stack: DuebellStack;
let template: Template;

beforeAll(() => {
  // cdk-nag runs on this synth too (a validation plugin of the app); the test below also bundles.
  stack = buildApp({ rules }, skipBundling).stack;
  template = Template.fromStack(stack);
});

describe('functions', () => {
  it('run Node 24 on ARM64 with active tracing: one per route group and the ops API, plus the sweep coordinator and slice worker, sender, inbound SMS, escalation step, ageing and outbox publisher', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
    expect(Object.keys(fns)).toHaveLength(Object.keys(routeTable).length + 1 + 7);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('all get the table, the bus and the deployment’s rules, and no partner list (the directory is in the table)', () => {
    const all = [
      ...Object.values(stack.functions),
      stack.dailySweep.sweep,
      stack.dailySweep.sliceWorker,
      stack.contactQueue.sender,
      stack.contactQueue.inboundSms,
      stack.escalation.stepFunction,
      stack.dailyAgeing.ageing,
    ];
    expect(all).toHaveLength(Object.keys(routeTable).length + 6);
    for (const fn of all) {
      expect(environmentOf(template, fn)).toMatchObject({
        TABLE_NAME: ref(stack.data.table),
        EVENT_BUS_NAME: expect.objectContaining({ Ref: expect.any(String) }),
        RULES: JSON.stringify(rules),
      });
    }
    const queueUrl = ref(stack.contactQueue.queue);
    expect(environmentOf(template, stack.dailySweep.sliceWorker).CONTACT_QUEUE_URL).toEqual(queueUrl);
    expect(environmentOf(template, stack.dailySweep.sweep).SLICE_QUEUE_URL).toEqual(
      ref(stack.dailySweep.sliceQueue),
    );
    // The publisher alone is given the bus (every other function writes events to the outbox).
    expect(environmentOf(template, stack.outbox.publisher)).toMatchObject({
      EVENT_BUS_NAME: expect.objectContaining({ Ref: expect.any(String) }),
    });
    expect(environmentOf(template, stack.contactQueue.sender).CONTACT_QUEUE_URL).toEqual(queueUrl);
    expect(environmentOf(template, stack.escalation.stepFunction)).toMatchObject({
      CONTACT_QUEUE_URL: queueUrl,
      AGENT_QUEUE_URL: ref(stack.escalation.agentQueue),
      LEGAL_QUEUE_URL: ref(stack.escalation.legalQueue),
    });
  });

  it('let the sweep slice workers and the ageing job alone start escalation episodes, on the escalation state machine', () => {
    const stateMachine = ref(stack.escalation.stateMachine);
    const starters = [stack.dailySweep.sliceWorker, stack.dailyAgeing.ageing];
    const withArn = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { STATE_MACHINE_ARN: stateMachine } } },
    });
    expect(Object.keys(withArn).sort()).toEqual(starters.map(logicalId).sort());
    for (const fn of starters) {
      expect(actionsOn(template, fn, stateMachine)).toEqual(['states:StartExecution']);
    }
    const startingRoles = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).some((s) =>
          [s.Action].flat().includes('states:StartExecution'),
        ),
      )
      .flatMap((p) => p.Properties.Roles);
    expect(startingRoles).toHaveLength(2);
  });

  it('give the field key only to scoring, the sender, inbound SMS and the desk, the HMAC secret only to scoring and inbound SMS', () => {
    const withEnv = (name: string) =>
      Object.keys(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Environment: { Variables: { [name]: Match.anyValue() } } },
        }),
      ).sort();
    const { applications } = stack.functions;
    expect(withEnv('FIELD_KEY_ID')).toEqual(
      [
        logicalId(stack.contactQueue.sender),
        logicalId(applications),
        logicalId(stack.contactQueue.inboundSms),
        logicalId(stack.opsFunction),
      ].sort(),
    );
    expect(withEnv('IDENTITY_HMAC_SECRET_ARN')).toEqual(
      [logicalId(stack.contactQueue.inboundSms), logicalId(applications)].sort(),
    );
    expect(actionsOf(template, applications)).not.toContain('sns:Publish');
  });

  it('grant no "*" action on data', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
      }
    }
  });
});

describe('wiring', () => {
  it('sweeps at the rules’ time in the rules’ time zone, into the contact queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 8 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
      Target: Match.objectLike({ Arn: arnOf(stack.dailySweep.sweep) }),
    });
    expect(actionsOf(template, stack.dailySweep.sweep)).toContain('sqs:SendMessage');
  });

  it('ages at the rules’ time in the rules’ time zone', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 5 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
      Target: Match.objectLike({ Arn: arnOf(stack.dailyAgeing.ageing) }),
    });
  });

  it('escalates along the rules’ ladder, invoking the escalation step', () => {
    const { StartAt, States } = definitionOf(template, stack.escalation.stateMachine);
    expect(StartAt).toBe(ladderStateNames.waitFor('D+4'));
    const tasks = Object.keys(States).filter((name) => States[name]?.Type === 'Task');
    expect(tasks.sort()).toEqual(['D+15', 'D+4', 'D+7', ladderStateNames.recordFailure].sort());
  });

  it('builds the table with the due-date, ageing, desk, borrower and province indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'due-date' }),
        Match.objectLike({ IndexName: 'ageing' }),
        Match.objectLike({ IndexName: 'desk-tasks' }),
        Match.objectLike({ IndexName: 'borrower-records' }),
        Match.objectLike({ IndexName: 'province' }),
      ],
    });
  });

  it('bounds the sender at the rules’ concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(stack.contactQueue.sender),
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });

  it('guards the ops routes with the desk’s user pool (groups agent and supervisor) and no API key', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': [logicalId(stack.opsUsers.userPool), 'Arn'] }],
    });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const cognito = methods.filter((m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(cognito).toHaveLength(opsRouteTable.ops.length);
    for (const m of cognito) expect(m.Properties.ApiKeyRequired).toBe(false);
    for (const m of methods.filter((m) => !cognito.includes(m)))
      expect(m.Properties.ApiKeyRequired).toBe(true);
    for (const group of ['agent', 'supervisor'])
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
  });

  it('gives the partner API the rules’ limits, for each partner `duebell partners add` enrols', () => {
    const outputs = template.findOutputs('*');
    expect(JSON.parse(outputs.PartnerUsagePlan?.Value as string)).toEqual({
      rateLimit: 20,
      burstLimit: rules.api.throttleBurst,
      quotaPerDay: 5000,
    });
    expect(outputs.TableName?.Value).toEqual(ref(stack.data.table));
  });

  it('sends every alarm to the ops topic, encrypted with the topics’ key (not the field key)', () => {
    expect(template.toJSON().Resources[logicalId(stack.opsTopic)].Properties).toEqual({
      KmsMasterKeyId: arnOf(stack.opsTopics.key),
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // contact DLQ; sweep and ageing: schedule DLQ and errors each; escalation: two task DLQs, failed and
    // timed-out executions, failed steps, open episodes; ops: API 5xx, sender errors, carrier failure
    // rate, SMS spend, missed sweep, outbox lag, complaints past their deadline, concentration.
    expect(alarms).toHaveLength(21);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([ref(stack.opsTopic)]);
  });

  it('encrypts the inbound SMS topic with the same key, which CloudWatch and the SMS service may use', () => {
    expect(template.toJSON().Resources[logicalId(stack.contactQueue.inboundTopic)].Properties).toEqual({
      KmsMasterKeyId: arnOf(stack.opsTopics.key),
    });
    const statements = template.toJSON().Resources[logicalId(stack.opsTopics.key)].Properties.KeyPolicy
      .Statement as { Principal: { Service?: string[] }; Action: string[] }[];
    const services = statements.find((s) => s.Principal.Service);
    expect(services?.Principal.Service).toEqual([
      'cloudwatch.amazonaws.com',
      'sms-voice.amazonaws.com',
      'sns.amazonaws.com',
    ]);
    expect(services?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    // The field key (phone numbers, emails) lets no service principal in.
    const fieldKeyStatements = template.toJSON().Resources[logicalId(stack.data.fieldKey)].Properties
      .KeyPolicy.Statement as { Principal: { Service?: unknown } }[];
    expect(fieldKeyStatements.filter((s) => s.Principal.Service)).toEqual([]);
  });

  it('draws the ops dashboard: its five rows, each function, DLQ and route of the stack', () => {
    const rows = widgetsByRow(dashboardWidgets(template, stack.dashboard.dashboard));
    expect(Object.keys(rows)).toEqual([...dashboardRows]);
    const metricsIn = (row: string, title: string) =>
      rows[row]?.find((w) => w.properties.title === title)?.properties.metrics ?? [];
    // The route functions, the ops API's, and the sender, inbound SMS, sweep, slice worker, outbox
    // publisher, ageing and escalation step.
    expect(metricsIn('Platform', 'Lambda errors')).toHaveLength(Object.keys(routeTable).length + 8);
    expect(metricsIn('Platform', 'Dead-letter queues: messages waiting')).toHaveLength(7);
    expect(metricsIn('API', 'Latency p99 by route (ms)')).toHaveLength(
      Object.values(routeTable).flat().length,
    );
    // The deployment's ladder (three rungs here).
    expect(metricsIn('Escalation and desk', 'Rungs taken')).toHaveLength(3);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ MetricsEnabled: true })]),
    });
  });
});

describe('a deployment with tracing off (-c duebell:tracing=off)', () => {
  it('traces no function, API stage or state machine, and still passes cdk-nag', () => {
    const { app, stack: untraced } = buildApp({}, { ...skipBundling, 'duebell:tracing': 'off' });
    expect(() => app.synth()).not.toThrow();
    const t = Template.fromStack(untraced);
    const fns = Object.values(
      t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }),
    );
    expect(fns.length).toBeGreaterThan(10);
    for (const fn of fns) expect(fn.Properties.TracingConfig).toBeUndefined();
    for (const s of Object.values(t.findResources('AWS::ApiGateway::Stage')))
      expect(s.Properties.TracingEnabled).toBe(false);
    for (const sm of Object.values(t.findResources('AWS::StepFunctions::StateMachine')))
      expect(sm.Properties.TracingConfiguration?.Enabled ?? false).toBe(false);
  });
});

describe('cdk-nag AwsSolutions', () => {
  // Eleven esbuild bundles: about 25 s on the two-core machine when idle, more when it is busy.
  it('finds nothing unacknowledged in the app, bundled as `cdk synth` bundles it', {
    timeout: 120_000,
  }, () => {
    const { app } = buildApp();
    expect(() => app.synth()).not.toThrow();
  });

  it('would fail the synth on an unacknowledged finding (the check is live)', () => {
    // The app as buildApp makes it, checks and all, with one queue that has no dead-letter queue.
    const { app, stack } = buildApp({}, skipBundling);
    new Queue(stack, 'ProbeWithoutDlq');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
