import { ApplicationNotFound } from '#shared/errors/domain-errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { languageOf } from '#shared/http/language.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { countBy } from '#shared/observability/metrics.ts';
import { toDecision } from '#shared/origination/decide-application.ts';
import { requestDecisionReview } from '#shared/origination/request-review.ts';
import { scoreApplication } from '#shared/origination/score-application.ts';
import {
  type ApplicationRequest,
  applicationIdParamsSchema,
  applicationRequestSchema,
  type ReviewRequest,
  reviewRequestSchema,
} from '#shared/schemas/applications.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/** Scoring, a decision read back, and a person's review of a decline on the borrower's request. */
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
    'POST /v1/applications/{applicationId}/review-requests': apiHandler<
      ReviewRequest,
      { applicationId: string }
    >(common, {
      params: applicationIdParamsSchema,
      body: reviewRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const { applicationId } = event.parsedParams;
        const result = await requestDecisionReview(deps, event.partnerId, applicationId, event.parsedBody);
        return json(201, result, { location: `/v1/applications/${applicationId}` });
      },
    }),
  };
}
