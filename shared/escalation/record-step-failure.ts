import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import type { EscalationDeps } from './escalation-deps.ts';

export interface StepFailureInput {
  loanId: string;
  episode: number;
  rung: string;
  /** What Step Functions caught: `Error` names the failure (the cause may carry payloads; it is not kept). */
  error?: { Error?: string };
}

/**
 * A rung that failed after its retries: the failure is kept on the episode record (for ops) and counted
 * as `EscalationStepFailed`, which alarms; the episode is not ended.
 */
export async function recordStepFailure(
  deps: Pick<EscalationDeps, 'repos' | 'clock' | 'metrics'>,
  input: StepFailureInput,
): Promise<void> {
  deps.metrics?.addMetric('EscalationStepFailed', MetricUnit.Count, 1);
  for (;;) {
    const loan = await deps.repos.loans.getLoan(input.loanId);
    const episode = loan?.escalation;
    if (!loan || !episode || episode.episode !== input.episode) return;
    const failure = {
      rung: input.rung,
      at: deps.clock.now().toISOString(),
      error: input.error?.Error ?? 'Unknown',
    };
    try {
      await deps.repos.loans.saveLoan({ ...loan, escalation: { ...episode, failure } }, loan.version);
      return;
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
    }
  }
}
