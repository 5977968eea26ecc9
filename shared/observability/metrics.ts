import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** A Powertools metric unit (`MetricUnit.Count`, …). */
export type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One count with its own dimensions (flushed at once); ids and personal data never become dimensions. */
export function countBy(
  metrics: Metrics | undefined,
  name: string,
  dimensions: Record<string, string> = {},
): void {
  recordBy(metrics, name, MetricUnit.Count, 1, dimensions);
}

/**
 * One value with its own dimensions, flushed at once. A single-metric instance publishes at each
 * `addMetric` and clears its dimensions after it, so each value gets an instance of its own: a second
 * `addMetric` on the same one would be published without the dimensions.
 */
export function recordBy(
  metrics: Metrics | undefined,
  name: string,
  unit: Unit,
  value: number,
  dimensions: Record<string, string> = {},
): void {
  if (!metrics) return;
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, unit, value);
}
