import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** One count with its own dimensions (flushed at once); ids and personal data never become dimensions. */
export function countBy(
  metrics: Metrics | undefined,
  name: string,
  dimensions: Record<string, string> = {},
): void {
  if (!metrics) return;
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}
