import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countBy, recordBy } from '#shared/observability/metrics.ts';

afterEach(() => vi.restoreAllMocks());

describe('countBy', () => {
  it('emits one EMF count with its dimensions and no other fields', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'Duebell', serviceName: 'test' });
    countBy(metrics, 'ApplicationsScored', { decision: 'approve', grade: 'A' });
    const emf = lines.map((l) => JSON.parse(l)).find((o) => o._aws);
    expect(emf).toMatchObject({ ApplicationsScored: 1, decision: 'approve', grade: 'A', service: 'test' });
    expect(emf._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'ApplicationsScored', Unit: 'Count' }]);
  });

  it('does nothing without a metrics instance (local runs)', () => {
    const write = vi.spyOn(process.stdout, 'write');
    countBy(undefined, 'ApplicationsScored');
    expect(write).not.toHaveBeenCalled();
  });
});

describe('recordBy', () => {
  it('keeps the dimensions on every value, where a second addMetric on one single metric would lose them', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'Duebell', serviceName: 'test' });
    recordBy(metrics, 'LoansByBucket', MetricUnit.Count, 3, { bucket: 'M1' });
    recordBy(metrics, 'OutstandingByBucket', MetricUnit.NoUnit, 120_000, { bucket: 'M1' });
    const emf = lines.map((l) => JSON.parse(l)).filter((o) => o._aws);
    expect(emf.map((o) => o._aws.CloudWatchMetrics[0].Dimensions)).toEqual([
      [['service', 'bucket']],
      [['service', 'bucket']],
    ]);
    expect(emf[1]).toMatchObject({ OutstandingByBucket: 120_000, bucket: 'M1' });
  });
});
