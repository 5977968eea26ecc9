import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { countBy } from '#shared/observability/metrics.ts';
import {
  type HardshipRequest,
  hardshipRequestSchema,
  loanIdParamsSchema,
} from '#shared/schemas/servicing.ts';
import { requestHardship } from '#shared/servicing/request-hardship.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/** POST /v1/loans/{loanId}/hardship: granted (201) or referred to ops (202). */
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
  };
}
