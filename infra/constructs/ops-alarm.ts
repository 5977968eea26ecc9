import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface OpsAlarmProps {
  /** What the alarm says to the person who reads it. */
  readonly description: string;
  /** Alarms at `threshold` or more in a single period of this metric. */
  readonly metric: IMetric;
  /** Where the alarm goes. */
  readonly opsTopic: ITopic;
  /**
   * The value at or above which the alarm fires.
   * @default 1 - the first time it happens
   */
  readonly threshold?: number;
  /**
   * How the metric is compared with the threshold.
   * @default ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
   */
  readonly comparisonOperator?: ComparisonOperator;
  /**
   * What a period without data means.
   * @default TreatMissingData.NOT_BREACHING - nothing happened
   */
  readonly treatMissingData?: TreatMissingData;
}

/**
 * An alarm that tells ops the first time something that should never happen happens (a DLQ, an error),
 * or, given a threshold, when a gauge reaches it.
 */
export function opsAlarm(scope: Construct, id: string, props: OpsAlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: props.threshold ?? 1,
    evaluationPeriods: 1,
    comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(props.opsTopic));
  return alarm;
}
