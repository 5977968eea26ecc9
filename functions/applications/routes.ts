import { ApplicationNotFound } from '#shared/errors/domain-errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { replayed } from '#shared/http/idempotency.ts';
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
  type Decision,
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
      idempotent: 'in-transaction',
      handler: async (event) => {
        const outcome = await scoreApplication(
          deps,
          event.partnerId,
          event.parsedBody,
          languageOf(event.headers),
          event.keyed && { ...event.keyed, answer: decisionAnswer },
        );
        if (outcome.kind === 'replayed') return replayed(outcome.response);
        const { decision } = outcome;
        countBy(deps.metrics, 'ApplicationsScored', { decision: decision.decision, grade: decision.grade });
        return decisionAnswer(decision);
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

/** A new decision's answer: 201 with where to read it back (stored as it is for a keyed retry). */
function decisionAnswer(decision: Decision) {
  const {
    statusCode,
    headers = {},
    body,
  } = json(201, decision, {
    location: `/v1/applications/${decision.applicationId}`,
  });
  return { statusCode, headers: headers as Record<string, string>, body };
}
