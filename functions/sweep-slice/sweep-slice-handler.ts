import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SliceBusy, SliceLeaseLost } from '#shared/errors/domain-errors.ts';
import { recordBy } from '#shared/observability/metrics.ts';
import { runSweepSlice, type SweepSliceDeps } from '#shared/reminders/sweep-slice.ts';
import { parseJsonOrUndefined } from '#shared/schemas/common.ts';
import { sweepSliceSchema } from '#shared/schemas/sweep-slice.ts';

export interface SweepSliceHandlerDeps extends SweepSliceDeps {
  logger: Logger;
  metrics?: Metrics;
}

/**
 * One slice per SQS record (the event source delivers one at a time). A slice that fails is reported
 * as a batch-item failure, so SQS delivers it again after the visibility timeout and the next
 * invocation resumes from its checkpoint; one that another invocation holds is retried the same way.
 * The budget leaves time for a page and its checkpoint before the function's timeout.
 */
export function createSweepSliceHandler(deps: SweepSliceHandlerDeps) {
  const budgetMs = deps.rules.contact.sweepSliceBudgetSeconds * 1000;
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const started = Date.now();
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const parsed = sweepSliceSchema.safeParse(parseJsonOrUndefined(record.body));
      if (!parsed.success) {
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        const result = await runSweepSlice(deps, parsed.data, {
          owner: `${context.awsRequestId}/${record.messageId}`,
          spent: () => Date.now() - started > budgetMs,
        });
        deps.logger.info('sweep slice', { slice: parsed.data, status: result.status, ...result.counts });
        recordBy(deps.metrics, 'SweepSlices', MetricUnit.Count, 1, { status: result.status });
        recordBy(deps.metrics, 'SweepInstallments', MetricUnit.Count, result.counts.installments);
        recordBy(deps.metrics, 'SweepJobs', MetricUnit.Count, result.counts.jobs);
        recordBy(deps.metrics, 'SweepDuration', MetricUnit.Milliseconds, Date.now() - started);
      } catch (err) {
        const expected = err instanceof SliceBusy || err instanceof SliceLeaseLost;
        deps.logger[expected ? 'info' : 'error']('sweep slice not finished; SQS delivers it again', {
          slice: parsed.data,
          errorName: (err as Error).name,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  });
}
