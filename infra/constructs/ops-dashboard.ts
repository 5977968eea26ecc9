import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  GraphWidgetView,
  type IAlarm,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EARLY_WARNING_CODES } from '#shared/collection/early-warning.ts';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import { routeTable, splitRouteKey } from '#shared/http/route-table.ts';
import { duebellMetric, duebellMetrics, smsMonthToDateSpend } from './ops-metrics.ts';

export interface OpsDashboardProps {
  /**
   * Name of the dashboard.
   * @default 'duebell-ops'
   */
  readonly dashboardName?: string;
  /**
   * The rules the stack runs (reminder stages, ladder rungs): one line per stage, rung and channel.
   * @default defaultRules
   */
  readonly rules?: Rules;
  /** The partner API (requests, 4xx, 5xx, p99 per route). */
  readonly api: RestApi;
  /** Functions behind the API routes (their throttles are the API's). */
  readonly apiFunctions: Record<string, IFunction>;
  /** Every function of the stack, by name (errors, throttles, duration). */
  readonly functions: Record<string, IFunction>;
  /** Every dead-letter queue, by name. */
  readonly deadLetterQueues: Record<string, IQueue>;
  /** Queues of tasks for people, by name (agent, legal): their oldest task's age and depth. */
  readonly taskQueues: Record<string, IQueue>;
  /** The escalation workflow (executions started, failed, timed out). */
  readonly stateMachine: IStateMachine;
  /**
   * Step Functions' quota of open executions, drawn on the open episodes.
   * @default 1_000_000
   */
  readonly openExecutionsQuota?: number;
  /**
   * The monthly SMS spend limit in USD, drawn on the spend.
   * @default 1
   */
  readonly smsMonthlySpendLimitUsd?: number;
  /**
   * The outbox stream publisher (its iterator age is the outbox lag).
   * @default - a note in its place: the stream publisher is not in the stack yet
   */
  readonly outboxPublisher?: IFunction;
  /**
   * Alarms shown at the top.
   * @default - none
   */
  readonly alarms?: IAlarm[];
}

/** The rows of the dashboard, top to bottom, each under a header of this title. */
export const dashboardRows = ['Portfolio', 'Contact', 'Escalation and desk', 'API', 'Platform'] as const;
export type DashboardRow = (typeof dashboardRows)[number];

const DAY = Duration.days(1);
const HOUR = Duration.hours(1);
const FIVE_MINUTES = Duration.minutes(5);
/** Buckets of the loans past due (the ageing job publishes one value per bucket per day). */
const PAST_DUE_BUCKETS = ['M1', 'M2', 'M3', 'M3+'] as const;
/** Each bucket into the next, as the snapshot's roll rates name them. */
const ROLLS = [
  ['current', 'M1'],
  ['M1', 'M2'],
  ['M2', 'M3'],
  ['M3', 'M3+'],
] as const;

const graph = (
  title: string,
  left: IMetric[],
  extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
) => new GraphWidget({ title, left, width: 6, height: 6, ...extra });

const note = (markdown: string) => new TextWidget({ markdown, width: 6, height: 6 });

/**
 * The ops dashboard, one row per concern: portfolio (ageing, recoveries, transitions), contact
 * (reminders by stage and channel, suppressions, the carrier, SMS spend, the sweep), escalation and desk
 * (episodes, rungs, open episodes against the quota, tasks and their queues' age), API (requests, 4xx,
 * 5xx, p99 per route, throttles) and platform (Lambda errors, throttles and duration, DLQs, executions,
 * outbox lag). What has no metric of its own (vintage curves, the watchlist's loans) is a note that says
 * where to find it.
 * Hand-built widgets: each metric is named with the dimensions the functions publish it with.
 */
export class OpsDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** The widgets of each row, in order (the header first). */
  readonly rows: Record<DashboardRow, IWidget[]>;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    const rules = props.rules ?? defaultRules;
    this.rows = {
      Portfolio: this.portfolio(),
      Contact: this.contact(rules, props.smsMonthlySpendLimitUsd ?? 1),
      'Escalation and desk': this.escalation(rules, props),
      API: this.apiRow(props),
      Platform: this.platform(props),
    };
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? 'duebell-ops',
      defaultInterval: Duration.days(7),
    });
    if (props.alarms?.length)
      this.dashboard.addWidgets(
        new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }),
      );
    for (const row of dashboardRows) this.dashboard.addWidgets(...this.rows[row]);
  }

  private header(row: DashboardRow, text: string): TextWidget {
    return new TextWidget({ markdown: `## ${row}\n${text}`, width: 24, height: 2 });
  }

  private portfolio(): IWidget[] {
    const byBucket = (name: string) =>
      PAST_DUE_BUCKETS.map((bucket) =>
        duebellMetric(name, { bucket }, { statistic: 'Maximum', period: DAY, label: bucket }),
      );
    const events = (type: string, label: string) =>
      duebellMetric(duebellMetrics.domainEvents, { type }, { period: DAY, label });
    return [
      this.header('Portfolio', 'Daily, from the ageing job at 06:00 lender time and the payments.'),
      graph('Loans past due by bucket', byBucket(duebellMetrics.loansByBucket), { stacked: true }),
      graph('Outstanding past due by bucket (fen)', byBucket(duebellMetrics.outstandingByBucket), {
        stacked: true,
      }),
      graph('Payments and recoveries (fen)', [
        duebellMetric(duebellMetrics.paymentAmount, {}, { period: DAY, label: 'paid' }),
        duebellMetric(
          duebellMetrics.recoveredAmount,
          {},
          { period: DAY, label: 'recovered (paid at 30+ DPD)' },
        ),
      ]),
      graph('Non-performing and charged off', [
        events('LoanNonPerforming', 'non-performing'),
        events('LoanChargedOff', 'charged off'),
      ]),
      graph('NPL ratio (bps, 90+ DPD over outstanding)', [
        duebellMetric(
          duebellMetrics.portfolioNplRatioBps,
          {},
          { statistic: 'Maximum', period: DAY, label: 'NPL ratio' },
        ),
      ]),
      graph(
        'Roll rates (bps, t−30 to t)',
        ROLLS.map(([from, to]) =>
          duebellMetric(
            duebellMetrics.rollRateBps,
            { from, to },
            { statistic: 'Maximum', period: DAY, label: `${from}→${to}` },
          ),
        ),
      ),
      graph('Concentration: partners and provinces over their limit', [
        duebellMetric(
          duebellMetrics.concentrationBreaches,
          {},
          { statistic: 'Maximum', period: DAY, label: 'over limit' },
        ),
      ]),
      graph(
        'Early warnings by signal (per day)',
        EARLY_WARNING_CODES.map((code) =>
          duebellMetric(duebellMetrics.earlyWarnings, { code }, { period: DAY, label: code }),
        ),
      ),
      note(
        '**Vintages and the watchlist**\n\nVintage curves are in the daily snapshot (`GET /v1/ops/portfolio`, `duebell report`); the loans behind the signals are on the watchlist (`GET /v1/ops/watchlist`).',
      ),
    ];
  }

  private contact(rules: Rules, smsLimit: number): IWidget[] {
    const stages = [
      ...rules.contact.reminderStages.map((s) => ({ id: s.id, channels: s.channels })),
      ...rules.collection.ladder
        .filter((r) => r.channels.length > 0)
        .map((r) => ({ id: r.id, channels: r.channels })),
    ];
    const sent = stages.flatMap((s) =>
      s.channels.map((channel) =>
        duebellMetric(
          duebellMetrics.contactDecisions,
          { status: 'sent', stage: s.id, channel },
          { period: DAY, label: `${s.id} ${channel}` },
        ),
      ),
    );
    const channels = ['sms', 'email'] as const;
    const carrier = channels.flatMap((channel) => [
      duebellMetric(duebellMetrics.messagesSent, { channel }, { label: `${channel} sent` }),
      duebellMetric(duebellMetrics.contactJobsFailed, { channel }, { label: `${channel} failed` }),
    ]);
    return [
      this.header(
        'Contact',
        'Reminders and rung messages as the sender decided them; the carrier; the daily sweep.',
      ),
      graph('Messages sent by stage and channel', sent, { stacked: true, view: GraphWidgetView.TIME_SERIES }),
      graph('Suppressed by reason', [
        new MathExpression({
          label: '',
          expression: `SEARCH('{Duebell,channel,reason,service} MetricName="${duebellMetrics.contactsSuppressed}"', 'Sum', 86400)`,
          period: DAY,
        }),
      ]),
      graph('Carrier: sent and failed jobs by channel', carrier),
      graph('SMS spend this month (USD)', [smsMonthToDateSpend()], {
        leftAnnotations: [{ value: smsLimit, label: 'monthly limit' }],
      }),
      graph(
        'Daily sweep',
        [
          duebellMetric(duebellMetrics.sweepInstallments, {}, { period: DAY, label: 'installments' }),
          duebellMetric(duebellMetrics.sweepJobs, {}, { period: DAY, label: 'jobs queued' }),
        ],
        {
          right: [
            duebellMetric(
              duebellMetrics.sweepDuration,
              {},
              { statistic: 'Maximum', period: DAY, label: 'duration (ms)' },
            ),
          ],
        },
      ),
      graph('Deferred (outside the contact window)', [
        new MathExpression({
          label: '',
          expression: `SEARCH('{Duebell,channel,service,stage,status} MetricName="${duebellMetrics.contactDecisions}" status="deferred"', 'Sum', 86400)`,
          period: DAY,
        }),
      ]),
    ];
  }

  private escalation(rules: Rules, props: OpsDashboardProps): IWidget[] {
    const quota = props.openExecutionsQuota ?? 1_000_000;
    const events = (type: string, label: string) =>
      duebellMetric(duebellMetrics.domainEvents, { type }, { period: DAY, label });
    const queues = Object.entries(props.taskQueues);
    return [
      this.header(
        'Escalation and desk',
        'One Step Functions execution per delinquency episode; tasks for agents and legal.',
      ),
      graph('Episodes started, cured, ended', [
        events('EscalationStarted', 'started'),
        events('LoanCured', 'cured'),
        events('LoanNonPerforming', 'non-performing'),
        events('LoanChargedOff', 'charged off'),
      ]),
      graph(
        'Rungs taken',
        rules.collection.ladder.map((r) =>
          duebellMetric(duebellMetrics.escalationRungsTaken, { rung: r.id }, { period: DAY, label: r.id }),
        ),
        { stacked: true },
      ),
      graph(
        'Open episodes',
        [
          duebellMetric(
            duebellMetrics.openEscalationEpisodes,
            {},
            { statistic: 'Maximum', period: DAY, label: 'open' },
          ),
        ],
        { leftAnnotations: [{ value: quota * 0.8, label: '80 % of the open executions quota' }] },
      ),
      graph(
        'Tasks opened',
        ['agent', 'legal'].map((channel) =>
          duebellMetric(duebellMetrics.tasksOpened, { channel }, { period: DAY, label: channel }),
        ),
      ),
      graph(
        'Task queues: oldest task age (s)',
        queues.map(([name, q]) =>
          q.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, label: name }),
        ),
        {
          right: queues.map(([name, q]) =>
            q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: `${name} waiting` }),
          ),
        },
      ),
      graph('Desk: outcomes and promises', [
        events('AgentTaskCompleted', 'outcomes recorded'),
        events('PromiseToPayRecorded', 'promises made'),
        events('PromiseToPayKept', 'kept'),
        events('PromiseToPayBroken', 'broken'),
        events('HardshipReferred', 'hardship referred'),
      ]),
      graph('Complaints past their answer deadline', [
        duebellMetric(
          duebellMetrics.complaintsPastDeadline,
          {},
          { statistic: 'Maximum', period: DAY, label: 'past deadline' },
        ),
      ]),
    ];
  }

  private apiRow(props: OpsDashboardProps): IWidget[] {
    const { api } = props;
    const routes = Object.values(routeTable).flat();
    const p99 = routes.map((key) => {
      const { method, resource } = splitRouteKey(key);
      return new Metric({
        namespace: 'AWS/ApiGateway',
        metricName: 'Latency',
        dimensionsMap: {
          ApiName: api.restApiName,
          Method: method,
          Resource: resource,
          Stage: api.deploymentStage.stageName,
        },
        statistic: 'p99',
        period: FIVE_MINUTES,
        label: key,
      });
    });
    return [
      this.header('API', 'The partner API on API Gateway (stage metrics, per-method metrics enabled).'),
      graph('Requests, 4xx, 5xx', [
        api.metricCount({ period: FIVE_MINUTES, label: 'requests' }),
        api.metricClientError({ period: FIVE_MINUTES, label: '4xx (429 throttled included)' }),
        api.metricServerError({ period: FIVE_MINUTES, label: '5xx' }),
      ]),
      graph('Latency p99 by route (ms)', p99, { width: 12 }),
      graph(
        'Throttles of the route functions',
        Object.entries(props.apiFunctions).map(([name, fn]) =>
          fn.metricThrottles({ period: FIVE_MINUTES, label: name }),
        ),
      ),
      graph('Applications by decision and grade', [
        new MathExpression({
          label: '',
          expression: `SEARCH('{Duebell,decision,grade,service} MetricName="${duebellMetrics.applicationsScored}"', 'Sum', 3600)`,
          period: HOUR,
        }),
      ]),
    ];
  }

  private platform(props: OpsDashboardProps): IWidget[] {
    const fns = Object.entries(props.functions);
    const perFunction = (metric: (fn: IFunction, label: string) => IMetric) =>
      fns.map(([name, fn]) => metric(fn, name));
    const sm = props.stateMachine;
    return [
      this.header('Platform', 'Lambda, queues, the escalation workflow and the outbox.'),
      graph(
        'Lambda errors',
        perFunction((fn, label) => fn.metricErrors({ period: FIVE_MINUTES, label })),
      ),
      graph(
        'Lambda throttles',
        perFunction((fn, label) => fn.metricThrottles({ period: FIVE_MINUTES, label })),
      ),
      graph(
        'Lambda duration p99 (ms)',
        perFunction((fn, label) => fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label })),
      ),
      graph(
        'Dead-letter queues: messages waiting',
        Object.entries(props.deadLetterQueues).map(([name, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: name }),
        ),
      ),
      graph('Escalation executions', [
        sm.metricStarted({ period: HOUR, label: 'started' }),
        sm.metricFailed({ period: HOUR, label: 'failed' }),
        sm.metricTimedOut({ period: HOUR, label: 'timed out' }),
      ]),
      props.outboxPublisher
        ? graph('Outbox lag: stream iterator age (ms)', [
            props.outboxPublisher.metric('IteratorAge', {
              statistic: 'Maximum',
              period: FIVE_MINUTES,
              label: 'outbox',
            }),
          ])
        : note(
            '**Outbox lag (stream iterator age)**\n\nThe outbox stream publisher is not in the stack yet: its graph goes here.',
          ),
    ];
  }
}
