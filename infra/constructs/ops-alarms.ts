import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { type Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { opsAlarm } from './ops-alarm.ts';
import { duebellMetric, duebellMetrics, smsMonthToDateSpend } from './ops-metrics.ts';

export interface OpsAlarmsProps {
  /** Where every alarm goes (`OpsTopic.topic`). */
  readonly opsTopic: ITopic;
  /** The partner API, alarmed at its first 5xx (no client input may cause one). */
  readonly api: RestApi;
  /** The contact sender, alarmed when it errors. */
  readonly sender: IFunction;
  /**
   * The account's monthly SMS spend limit in USD (the SNS `MonthlySpendLimit` setting).
   * @default 1 - the limit SNS gives a new account
   */
  readonly smsMonthlySpendLimitUsd?: number;
  /**
   * Share of the monthly SMS spend limit at which ops are told.
   * @default 0.8
   */
  readonly smsSpendAlarmShare?: number;
  /**
   * Share of contact jobs failing (over those sent and failed, in 15 minutes) at which ops are told.
   * @default 0.1
   */
  readonly carrierFailureRate?: number;
  /**
   * Fewest jobs in 15 minutes for the failure rate to count (a single failure of two is not a trend).
   * @default 10
   */
  readonly carrierFailureMinJobs?: number;
  /**
   * The function that publishes the table's outbox from its stream; its iterator age is the outbox lag.
   * @default - no outbox alarm (the stream publisher is not in the stack yet)
   */
  readonly outboxPublisher?: IFunction;
  /**
   * Outbox lag at which ops are told.
   * @default Duration.minutes(5)
   */
  readonly outboxLag?: Duration;
  /**
   * Alarm on complaints open past their deadline (`ComplaintsPastDeadline`, published daily by the ageing job).
   * @default false
   */
  readonly complaintsPastDeadline?: boolean;
  /**
   * Alarm when a partner or a province holds more than its share of tier 1 capital (`ConcentrationBreaches`,
   * published daily by the ageing job with the portfolio snapshot).
   * @default false
   */
  readonly concentration?: boolean;
}

/**
 * The alarms that are not any one construct's own: API 5xx, the sender's errors, the carrier failure
 * rate, SMS spend near the monthly limit, a missed daily sweep, and, once their functions exist, outbox
 * lag and complaints past their deadline. (DLQs, the daily jobs' errors and the escalation's executions
 * are alarmed by their constructs.) All go to the ops topic.
 */
export class OpsAlarms extends Construct {
  /** Every alarm this construct made, by id. */
  readonly alarms: Record<string, Alarm> = {};

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    const alarm = (alarmId: string, settings: Omit<Parameters<typeof opsAlarm>[2], 'opsTopic'>) => {
      this.alarms[alarmId] = opsAlarm(this, alarmId, { ...settings, opsTopic: props.opsTopic });
    };

    alarm('Api5xxAlarm', {
      description: 'The partner API answered 5xx: no client input may cause one',
      metric: props.api.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
    });
    alarm('SenderErrorsAlarm', {
      description: 'The contact sender failed (a whole batch errored, not one job)',
      metric: props.sender.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
    });

    const window = Duration.minutes(15);
    const minJobs = props.carrierFailureMinJobs ?? 10;
    const rate = props.carrierFailureRate ?? 0.1;
    alarm('CarrierFailureRateAlarm', {
      description: `More than ${rate * 100} % of contact jobs failed at the carrier in 15 minutes (of at least ${minJobs})`,
      metric: new MathExpression({
        label: 'carrier failure rate',
        // A channel without failures (or without sends) publishes nothing: FILL makes it 0.
        expression: `IF(FILL(sms, 0) + FILL(email, 0) + FILL(fsms, 0) + FILL(femail, 0) >= ${minJobs}, (FILL(fsms, 0) + FILL(femail, 0)) / (FILL(sms, 0) + FILL(email, 0) + FILL(fsms, 0) + FILL(femail, 0)), 0)`,
        usingMetrics: {
          sms: duebellMetric(duebellMetrics.messagesSent, { channel: 'sms' }, { period: window }),
          email: duebellMetric(duebellMetrics.messagesSent, { channel: 'email' }, { period: window }),
          fsms: duebellMetric(duebellMetrics.contactJobsFailed, { channel: 'sms' }, { period: window }),
          femail: duebellMetric(duebellMetrics.contactJobsFailed, { channel: 'email' }, { period: window }),
        },
        period: window,
      }),
      threshold: rate,
    });

    const limit = props.smsMonthlySpendLimitUsd ?? 1;
    const share = props.smsSpendAlarmShare ?? 0.8;
    alarm('SmsSpendAlarm', {
      description: `SMS spend this month reached ${share * 100} % of the ${limit} USD monthly limit; past it SNS stops sending SMS`,
      metric: smsMonthToDateSpend(),
      threshold: limit * share,
    });

    alarm('SweepMissedAlarm', {
      description:
        'No daily reminder sweep completed in a day (the scheduler did not run it, or every try failed)',
      metric: duebellMetric(duebellMetrics.sweepRuns, { status: 'swept' }, { period: Duration.days(1) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });

    if (props.outboxPublisher) {
      const lag = props.outboxLag ?? Duration.minutes(5);
      alarm('OutboxLagAlarm', {
        description: `Domain events wait more than ${lag.toHumanString()} in the outbox (the stream publisher's iterator age)`,
        metric: props.outboxPublisher.metric('IteratorAge', {
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: lag.toMilliseconds(),
      });
    }
    if (props.complaintsPastDeadline) {
      alarm('ComplaintsPastDeadlineAlarm', {
        description: 'A complaint is open past its answer deadline (1 business day)',
        // Counted once a day by the ageing job (the desk's list shows each complaint's deadline live).
        metric: duebellMetric(
          duebellMetrics.complaintsPastDeadline,
          {},
          { statistic: 'Maximum', period: Duration.days(1) },
        ),
      });
    }
    if (props.concentration) {
      alarm('ConcentrationAlarm', {
        description:
          'A partner holds more than 25 % of tier 1 capital, or a province more than 20 % (see GET /v1/ops/portfolio)',
        metric: duebellMetric(
          duebellMetrics.concentrationBreaches,
          {},
          { statistic: 'Maximum', period: Duration.days(1) },
        ),
      });
    }
  }
}
