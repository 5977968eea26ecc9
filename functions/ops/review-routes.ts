import { answerReview, listReviews, showReview } from '#shared/desk/reviews.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { opsHandler } from '#shared/http/ops-handler.ts';
import { json } from '#shared/http/responses.ts';
import type { OpsRouteKey } from '#shared/http/route-table.ts';
import {
  type AnswerReviewRequest,
  answerReviewRequestSchema,
  type ListReviewsQuery,
  listReviewsQuerySchema,
  reviewParamsSchema,
} from '#shared/schemas/reviews.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

type ReviewRouteKey = Extract<OpsRouteKey, `${string} /v1/ops/reviews${string}`>;
type ReviewParams = { applicationId: string };

/** Reviews of automated declines: the desk reads them; supervisors answer them. */
export function reviewRoutes(deps: AppDeps): Record<ReviewRouteKey, RouteHandler> {
  const chain = handlerDeps(deps);
  return {
    'GET /v1/ops/reviews': opsHandler<undefined, Record<string, never>, ListReviewsQuery>(chain, {
      roles: ['agent', 'supervisor'],
      query: listReviewsQuerySchema,
      handler: async (event) => json(200, await listReviews(deps, event.parsedQuery)),
    }),
    'GET /v1/ops/reviews/{applicationId}': opsHandler<undefined, ReviewParams>(chain, {
      roles: ['agent', 'supervisor'],
      params: reviewParamsSchema,
      handler: async (event) => json(200, await showReview(deps, event.parsedParams.applicationId)),
    }),
    'POST /v1/ops/reviews/{applicationId}/answer': opsHandler<AnswerReviewRequest, ReviewParams>(chain, {
      roles: ['supervisor'],
      params: reviewParamsSchema,
      body: answerReviewRequestSchema,
      idempotent: true,
      handler: async (event) =>
        json(200, await answerReview(deps, event.user, event.parsedParams.applicationId, event.parsedBody)),
    }),
  };
}
