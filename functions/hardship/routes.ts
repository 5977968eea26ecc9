import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { countBy } from '#shared/observability/metrics.ts';
import {
  type HardshipRequest,
  hardshipRequestSchema,
  loanIdParamsSchema,
  type PromiseRequest,
  promiseRequestSchema,
} from '#shared/schemas/servicing.ts';
import { makePromise } from '#shared/servicing/make-promise.ts';
import { requestHardship } from '#shared/servicing/request-hardship.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/**
 * The borrower asking for time: POST /v1/loans/{loanId}/hardship, granted (201) or referred to ops (202);
 * POST /v1/loans/{loanId}/promises, a promise to pay recorded (201).
 */
export function hardshipRoutes(deps: AppDeps): Record<RouteKey<'hardship'>, RouteHandler> {
  return {
    'POST /v1/loans/{loanId}/hardship': apiHandler<HardshipRequest, { loanId: string }>(handlerDeps(deps), {
      body: hardshipRequestSchema,
      params: loanIdParamsSchema,
      idempotent: true,
      handler: async (event) => {
        const plan = await requestHardship(
          deps,
          event.partnerId,
          event.parsedParams.loanId,
          event.parsedBody,
        );
        countBy(deps.metrics, 'HardshipRequests', { status: plan.status, reason: plan.reason });
        return json(plan.status === 'granted' ? 201 : 202, plan);
      },
    }),
    'POST /v1/loans/{loanId}/promises': apiHandler<PromiseRequest, { loanId: string }>(handlerDeps(deps), {
      body: promiseRequestSchema,
      params: loanIdParamsSchema,
      idempotent: true,
      handler: async (event) => {
        const made = await makePromise(deps, event.partnerId, event.parsedParams.loanId, event.parsedBody);
        countBy(deps.metrics, 'PromisesMade', { source: 'partner' });
        return json(201, {
          promiseId: made.promiseId,
          loanId: made.loanId,
          date: made.date,
          amount: made.amount,
          madeAt: made.madeAt,
          status: 'open',
          pausesLadder: made.pausesLadder,
        });
      },
    }),
  };
}
