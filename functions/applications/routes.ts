import { ApplicationNotFound } from '#shared/errors/domain-errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { languageOf } from '#shared/http/language.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { countBy } from '#shared/observability/metrics.ts';
import { toDecision } from '#shared/origination/decide-application.ts';
import { scoreApplication } from '#shared/origination/score-application.ts';
import {
  type ApplicationRequest,
  applicationIdParamsSchema,
  applicationRequestSchema,
} from '#shared/schemas/applications.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/** POST /v1/applications and GET /v1/applications/{applicationId}. */
export function applicationRoutes(deps: AppDeps): Record<RouteKey<'applications'>, RouteHandler> {
  const common = handlerDeps(deps);
  return {
    'POST /v1/applications': apiHandler<ApplicationRequest, Record<string, never>>(common, {
      body: applicationRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const decision = await scoreApplication(
          deps,
          event.partnerId,
          event.parsedBody,
          languageOf(event.headers),
          event.headers['idempotency-key'],
        );
        countBy(deps.metrics, 'ApplicationsScored', { decision: decision.decision, grade: decision.grade });
        return json(201, decision, { location: `/v1/applications/${decision.applicationId}` });
      },
    }),
    'GET /v1/applications/{applicationId}': apiHandler<undefined, { applicationId: string }>(common, {
      params: applicationIdParamsSchema,
      handler: async (event) => {
        const app = await deps.repos.applications.get(event.parsedParams.applicationId);
        // Another partner's application answers exactly as a missing one.
        if (!app || app.partnerId !== event.partnerId) throw new ApplicationNotFound();
        return json(200, toDecision(app, languageOf(event.headers)));
      },
    }),
  };
}
