import middy from '@middy/core';
import * as z from 'zod';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import { recordStepFailure } from '#shared/escalation/record-step-failure.ts';
import { type RungOutput, takeRung } from '#shared/escalation/take-rung.ts';

/** What the state machine's task states send (see infra/constructs/escalation-definition.ts). */
const stepEventSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('take-rung'),
    loanId: z.string().min(1),
    episode: z.number().int().positive(),
    rung: z.string().min(1),
    scheduledAt: z.string().min(1),
  }),
  z.object({
    action: z.literal('record-failure'),
    loanId: z.string().min(1),
    episode: z.number().int().positive(),
    rung: z.string(),
    error: z.object({ Error: z.string().optional() }).passthrough().optional(),
  }),
]);

/** The ladder's one task function: a rung's step, or the record of a step that failed after its retries. */
export function createEscalationStepHandler(deps: EscalationDeps) {
  return middy(async (event: unknown): Promise<RungOutput | Record<string, never>> => {
    const input = stepEventSchema.parse(event);
    if (input.action === 'record-failure') {
      await recordStepFailure(deps, input);
      return {};
    }
    return takeRung(deps, input);
  });
}
