import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { powertools } from './node-function.ts';

/**
 * The business metrics the functions publish through Powertools Metrics (EMF), by name, each with the
 * dimensions it is published with besides `service`. The dashboard and the alarms read them from here.
 */
export const duebellMetrics = {
  /** Routes: per application, by `decision` and `grade`. */
  applicationsScored: 'ApplicationsScored',
  /** Every domain event published, by `type`. */
  domainEvents: 'DomainEvents',
  /** Rungs of the ladder taken (the first opens the episode), by `rung`. */
  escalationRungsTaken: 'EscalationRungsTaken',
  /** Fen paid, and fen paid on loans 30 or more days past due. */
  paymentAmount: 'PaymentAmount',
  recoveredAmount: 'RecoveredAmount',
  /** Per contact line, by `status`, `stage` and `channel`. */
  contactDecisions: 'ContactDecisions',
  /** Per suppressed contact line, by `channel` and `reason`. */
  contactsSuppressed: 'ContactsSuppressed',
  /** Agent and legal tasks handed to people, by `channel`. */
  tasksOpened: 'TasksOpened',
  /** Sender: messages the carrier took and jobs that failed, by `channel`. */
  messagesSent: 'MessagesSent',
  contactJobsFailed: 'ContactJobsFailed',
  /** Sweep: runs by `status`, and of a run that swept its installments, jobs and duration (ms). */
  sweepRuns: 'SweepRuns',
  sweepInstallments: 'SweepInstallments',
  sweepJobs: 'SweepJobs',
  sweepDuration: 'SweepDuration',
  /** Ageing job: loans past due and their outstanding (fen) by `bucket`; open episodes. */
  loansByBucket: 'LoansByBucket',
  outstandingByBucket: 'OutstandingByBucket',
  openEscalationEpisodes: 'OpenEscalationEpisodes',
  escalationStepFailed: 'EscalationStepFailed',
  /** Ageing job, daily: complaints open past their answer deadline. */
  complaintsPastDeadline: 'ComplaintsPastDeadline',
  /** Ageing job, daily portfolio snapshot: outstanding principal (fen) and NPL ratio (bps), in total and by `partnerId`. */
  portfolioOutstanding: 'PortfolioOutstanding',
  portfolioNplRatioBps: 'PortfolioNplRatioBps',
  partnerOutstanding: 'PartnerOutstanding',
  /** Roll rate (bps) by `from` and `to` bucket. */
  rollRateBps: 'RollRateBps',
  /** Early-warning signals raised, by `code` (from the events, as they are published). */
  earlyWarnings: 'EarlyWarnings',
  /** Partners and provinces over their share of tier 1 capital. */
  concentrationBreaches: 'ConcentrationBreaches',
} as const;

/**
 * A Duebell metric as the functions publish it: the `Duebell` namespace, the `service` dimension
 * Powertools adds to every metric, and the metric's own dimensions.
 */
export function duebellMetric(
  metricName: string,
  dimensions: Record<string, string> = {},
  options: MetricOptions = {},
): Metric {
  return new Metric({
    statistic: 'Sum',
    period: Duration.hours(1),
    ...options,
    namespace: powertools.metricsNamespace,
    metricName,
    dimensionsMap: { service: powertools.serviceName, ...dimensions },
  });
}

/** SNS's own figure of this month's SMS spend in the account and region, in USD. */
export function smsMonthToDateSpend(options: MetricOptions = {}): Metric {
  return new Metric({
    statistic: 'Maximum',
    period: Duration.hours(1),
    ...options,
    namespace: 'AWS/SNS',
    metricName: 'SMSMonthToDateSpentUSD',
  });
}
