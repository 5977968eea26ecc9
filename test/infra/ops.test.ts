import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EARLY_WARNING_CODES } from '#shared/collection/early-warning.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { routeTable } from '#shared/http/route-table.ts';
import { OpsAlarms, type OpsAlarmsProps } from '../../infra/constructs/ops-alarms.ts';
import { dashboardRows, OpsDashboard } from '../../infra/constructs/ops-dashboard.ts';
import { OpsTopic } from '../../infra/constructs/ops-topic.ts';
import type { DashboardWidget } from './bare-stack.ts';
import { arnOf, bareStack, dashboardWidgets, logicalId, ref, widgetsByRow } from './bare-stack.ts';

const fn = (stack: Stack, id: string) =>
  new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('x'),
  });

function apiIn(stack: Stack): RestApi {
  const api = new RestApi(stack, 'Api', {
    restApiName: 'duebell-partner-api',
    deployOptions: { stageName: 'v1' },
  });
  api.root.addMethod('GET');
  return api;
}

/** A key policy's statements, as the template writes them. */
const keyStatements = (template: Template, key: Parameters<typeof logicalId>[0]) =>
  template.toJSON().Resources[logicalId(key)].Properties.KeyPolicy.Statement as Record<string, unknown>[];

describe('OpsTopic', () => {
  let template: Template;
  let ops: OpsTopic;
  let inbound: Topic;
  beforeAll(() => {
    const stack = bareStack();
    ops = new OpsTopic(stack, 'Ops');
    inbound = new Topic(stack, 'Inbound', { enforceSSL: true, masterKey: ops.key });
    ops.allowSmsReplies(inbound);
    template = Template.fromStack(stack);
  });

  it('encrypts the ops topic with its own rotating key', () => {
    expect(template.toJSON().Resources[logicalId(ops.topic)].Properties).toEqual({
      KmsMasterKeyId: arnOf(ops.key),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/duebell-topics' });
  });

  it('lets CloudWatch alarms and the SMS service use the key, on behalf of this account only', () => {
    const services = keyStatements(template, ops.key).filter(
      (s) => (s.Principal as { Service?: unknown }).Service,
    );
    expect(services).toEqual([
      {
        Sid: 'ServicesPublishToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: ['cloudwatch.amazonaws.com', 'sms-voice.amazonaws.com', 'sns.amazonaws.com'] },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('lets the SMS service publish replies to the inbound topic', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(inbound)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SmsRepliesPublish',
            Effect: 'Allow',
            Principal: { Service: ['sms-voice.amazonaws.com', 'sns.amazonaws.com'] },
            Action: 'sns:Publish',
            Resource: ref(inbound),
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('OpsAlarms', () => {
  function alarmsIn(props: Partial<OpsAlarmsProps> = {}) {
    const stack = bareStack();
    const opsTopic = new Topic(stack, 'OpsTopic');
    const sender = fn(stack, 'Sender');
    const alarms = new OpsAlarms(stack, 'Alarms', { opsTopic, api: apiIn(stack), sender, ...props });
    return { template: Template.fromStack(stack), alarms, opsTopic, sender, stack };
  }
  let parts: ReturnType<typeof alarmsIn>;
  beforeAll(() => {
    parts = alarmsIn();
  });
  const propsOf = (id: string) => {
    const alarm = parts.alarms.alarms[id];
    if (!alarm) throw new Error(`no alarm ${id}`);
    return parts.template.toJSON().Resources[logicalId(alarm)].Properties;
  };

  it('makes five alarms by default, each sent to the ops topic', () => {
    expect(Object.keys(parts.alarms.alarms).sort()).toEqual(
      [
        'Api5xxAlarm',
        'CarrierFailureRateAlarm',
        'SenderErrorsAlarm',
        'SmsSpendAlarm',
        'SweepMissedAlarm',
      ].sort(),
    );
    for (const id of Object.keys(parts.alarms.alarms))
      expect(propsOf(id).AlarmActions).toEqual([ref(parts.opsTopic)]);
  });

  it('alarms at the first API 5xx in 5 minutes', () => {
    expect(propsOf('Api5xxAlarm')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'ApiName', Value: 'duebell-partner-api' }],
    });
  });

  it('alarms at the sender’s first error', () => {
    expect(propsOf('SenderErrorsAlarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: ref(parts.sender) }],
    });
  });

  it('alarms when 10 % of at least 10 contact jobs in 15 minutes failed, from the sender’s metrics by channel', () => {
    const p = propsOf('CarrierFailureRateAlarm');
    expect(p.Threshold).toBe(0.1);
    const [expression, ...metrics] = p.Metrics as { Id: string; Expression?: string; MetricStat?: unknown }[];
    expect(expression?.Expression).toMatch(/^IF\(.* >= 10, \(FILL\(fsms, 0\) \+ FILL\(femail, 0\)\) \/ /);
    const named = Object.fromEntries(metrics.map((m) => [m.Id, m.MetricStat]));
    for (const [id, name, channel] of [
      ['sms', 'MessagesSent', 'sms'],
      ['email', 'MessagesSent', 'email'],
      ['fsms', 'ContactJobsFailed', 'sms'],
      ['femail', 'ContactJobsFailed', 'email'],
    ] as const) {
      expect(named[id]).toEqual({
        Metric: {
          Namespace: 'Duebell',
          MetricName: name,
          Dimensions: expect.arrayContaining([
            { Name: 'service', Value: 'duebell' },
            { Name: 'channel', Value: channel },
          ]),
        },
        Period: 900,
        Stat: 'Sum',
      });
    }
  });

  it('alarms at 80 % of the monthly SMS spend limit (1 USD by default, or as given)', () => {
    expect(propsOf('SmsSpendAlarm')).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 0.8,
    });
    const given = alarmsIn({ smsMonthlySpendLimitUsd: 500 });
    const alarm = given.alarms.alarms.SmsSpendAlarm;
    expect(given.template.toJSON().Resources[logicalId(alarm as never)].Properties.Threshold).toBe(400);
  });

  it('alarms when no sweep completed in a day, a day without data counting as missed', () => {
    expect(propsOf('SweepMissedAlarm')).toMatchObject({
      Namespace: 'Duebell',
      MetricName: 'SweepRuns',
      Dimensions: [
        { Name: 'service', Value: 'duebell' },
        { Name: 'status', Value: 'swept' },
      ],
      Statistic: 'Sum',
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on outbox lag, complaints past deadline and concentration once their publishers exist', () => {
    const stack = bareStack();
    const opsTopic = new Topic(stack, 'OpsTopic');
    const outboxPublisher = fn(stack, 'Outbox');
    const alarms = new OpsAlarms(stack, 'Alarms', {
      opsTopic,
      api: apiIn(stack),
      sender: fn(stack, 'Sender'),
      outboxPublisher,
      outboxLag: Duration.minutes(2),
      complaintsPastDeadline: true,
      concentration: true,
    });
    const template = Template.fromStack(stack);
    const props = (id: string) =>
      template.toJSON().Resources[logicalId(alarms.alarms[id] as never)].Properties;
    expect(props('OutboxLagAlarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 120_000,
      Dimensions: [{ Name: 'FunctionName', Value: ref(outboxPublisher) }],
      AlarmActions: [ref(opsTopic)],
    });
    expect(props('ComplaintsPastDeadlineAlarm')).toMatchObject({
      Namespace: 'Duebell',
      MetricName: 'ComplaintsPastDeadline',
      Threshold: 1,
      AlarmActions: [ref(opsTopic)],
    });
    expect(props('ConcentrationAlarm')).toMatchObject({
      Namespace: 'Duebell',
      MetricName: 'ConcentrationBreaches',
      Statistic: 'Maximum',
      Period: 86_400,
      Threshold: 1,
      AlarmActions: [ref(opsTopic)],
    });
  });
});

describe('OpsDashboard', () => {
  let rows: Record<string, DashboardWidget[]>;
  let stack: Stack;
  beforeAll(() => {
    stack = bareStack();
    const queue = (id: string) => new Queue(stack, id);
    const dashboard = new OpsDashboard(stack, 'Ops', {
      api: apiIn(stack),
      apiFunctions: { applications: fn(stack, 'Applications') },
      functions: { applications: fn(stack, 'Applications2'), sweep: fn(stack, 'Sweep') },
      deadLetterQueues: { contact: queue('ContactDlq') },
      taskQueues: { agent: queue('Agent') },
      stateMachine: new StateMachine(stack, 'Sm', { definition: new Pass(stack, 'P') }),
    });
    rows = widgetsByRow(dashboardWidgets(Template.fromStack(stack), dashboard.dashboard));
  });
  const titles = (row: string) =>
    (rows[row] ?? []).map((w) => w.properties.title ?? w.properties.markdown?.split('\n')[0]);
  /** The metrics of a widget as `[namespace, name, { dimension: value }]` (options and expressions dropped). */
  const metricsOf = (row: string, title: string) =>
    ((rows[row] ?? []).find((w) => w.properties.title === title)?.properties.metrics ?? [])
      .map((m) => m.filter((part) => typeof part === 'string') as string[])
      .filter((m) => m.length >= 2)
      .map(([namespace, name, ...dims]) => {
        const pairs: [string, string][] = [];
        for (let i = 0; i + 1 < dims.length; i += 2) pairs.push([dims[i] as string, dims[i + 1] as string]);
        return [namespace, name, Object.fromEntries(pairs)] as const;
      });

  it('has the five rows in order, each under its header', () => {
    expect(Object.keys(rows)).toEqual([...dashboardRows]);
  });

  it('portfolio: ageing by bucket (count and outstanding), payments and recoveries, transitions, NPL ratio, roll rates, concentration, early warnings', () => {
    expect(titles('Portfolio')).toEqual([
      'Loans past due by bucket',
      'Outstanding past due by bucket (fen)',
      'Payments and recoveries (fen)',
      'Non-performing and charged off',
      'NPL ratio (bps, 90+ DPD over outstanding)',
      'Roll rates (bps, t−30 to t)',
      'Concentration: partners and provinces over their limit',
      'Early warnings by signal (per day)',
      '**Vintages and the watchlist**',
    ]);
    expect(metricsOf('Portfolio', 'Early warnings by signal (per day)')).toEqual(
      EARLY_WARNING_CODES.map((code) => ['Duebell', 'EarlyWarnings', { service: 'duebell', code }]),
    );
    expect(metricsOf('Portfolio', 'Roll rates (bps, t−30 to t)')).toEqual(
      [
        ['current', 'M1'],
        ['M1', 'M2'],
        ['M2', 'M3'],
        ['M3', 'M3+'],
      ].map(([from, to]) => ['Duebell', 'RollRateBps', { service: 'duebell', from, to }]),
    );
    expect(metricsOf('Portfolio', 'Concentration: partners and provinces over their limit')).toEqual([
      ['Duebell', 'ConcentrationBreaches', { service: 'duebell' }],
    ]);
    expect(metricsOf('Portfolio', 'Loans past due by bucket')).toEqual(
      ['M1', 'M2', 'M3', 'M3+'].map((bucket) => ['Duebell', 'LoansByBucket', { service: 'duebell', bucket }]),
    );
    expect(metricsOf('Portfolio', 'Payments and recoveries (fen)')).toEqual([
      ['Duebell', 'PaymentAmount', { service: 'duebell' }],
      ['Duebell', 'RecoveredAmount', { service: 'duebell' }],
    ]);
  });

  it('contact: messages by stage and channel for every reminder stage and rung, suppressions, carrier, SMS spend, sweep', () => {
    expect(titles('Contact')).toEqual([
      'Messages sent by stage and channel',
      'Suppressed by reason',
      'Carrier: sent and failed jobs by channel',
      'SMS spend this month (USD)',
      'Daily sweep',
      'Deferred (outside the contact window)',
    ]);
    const expected = [
      ...defaultRules.contact.reminderStages.flatMap((s) => s.channels.map((c) => [s.id, c])),
      ...defaultRules.collection.ladder.flatMap((r) => r.channels.map((c) => [r.id, c])),
    ].map(([stage, channel]) => [
      'Duebell',
      'ContactDecisions',
      { service: 'duebell', status: 'sent', stage, channel },
    ]);
    expect(metricsOf('Contact', 'Messages sent by stage and channel')).toEqual(expected);
    expect(metricsOf('Contact', 'SMS spend this month (USD)')).toEqual([
      ['AWS/SNS', 'SMSMonthToDateSpentUSD', {}],
    ]);
  });

  it('escalation and desk: episodes, rungs, open episodes, tasks, task queues’ age, the desk’s outcomes and complaints', () => {
    expect(titles('Escalation and desk')).toEqual([
      'Episodes started, cured, ended',
      'Rungs taken',
      'Open episodes',
      'Tasks opened',
      'Task queues: oldest task age (s)',
      'Desk: outcomes and promises',
      'Complaints past their answer deadline',
    ]);
    expect(metricsOf('Escalation and desk', 'Desk: outcomes and promises').map((m) => m[2].type)).toEqual([
      'AgentTaskCompleted',
      'PromiseToPayRecorded',
      'PromiseToPayKept',
      'PromiseToPayBroken',
      'HardshipReferred',
    ]);
    expect(metricsOf('Escalation and desk', 'Complaints past their answer deadline')).toEqual([
      ['Duebell', 'ComplaintsPastDeadline', { service: expect.any(String) }],
    ]);
    expect(metricsOf('Escalation and desk', 'Rungs taken').map((m) => m[2].rung)).toEqual(
      defaultRules.collection.ladder.map((r) => r.id),
    );
  });

  it('API: requests, 4xx, 5xx, p99 per route, throttles, applications', () => {
    expect(titles('API')).toEqual([
      'Requests, 4xx, 5xx',
      'Latency p99 by route (ms)',
      'Throttles of the route functions',
      'Applications by decision and grade',
    ]);
    expect(metricsOf('API', 'Requests, 4xx, 5xx').map((m) => m[1])).toEqual([
      'Count',
      '4XXError',
      '5XXError',
    ]);
    const routes = Object.values(routeTable).flat();
    expect(metricsOf('API', 'Latency p99 by route (ms)')).toHaveLength(routes.length);
    expect(metricsOf('API', 'Latency p99 by route (ms)')[0]).toEqual([
      'AWS/ApiGateway',
      'Latency',
      { ApiName: 'duebell-partner-api', Method: 'POST', Resource: '/v1/applications', Stage: '<token>' },
    ]);
  });

  it('platform: Lambda errors, throttles and duration per function, DLQs, executions, a place for the outbox lag', () => {
    expect(titles('Platform')).toEqual([
      'Lambda errors',
      'Lambda throttles',
      'Lambda duration p99 (ms)',
      'Dead-letter queues: messages waiting',
      'Escalation executions',
      '**Outbox lag (stream iterator age)**',
    ]);
    expect(metricsOf('Platform', 'Lambda errors')).toHaveLength(2);
    expect(metricsOf('Platform', 'Escalation executions').map((m) => m[1])).toEqual([
      'ExecutionsStarted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
  });
});
