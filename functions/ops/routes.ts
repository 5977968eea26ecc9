import { bulkActionId, bulkDeferral } from '#shared/desk/bulk-deferral.ts';
import { claimTask } from '#shared/desk/claim-task.ts';
import { decideReferredHardship } from '#shared/desk/decide-referred-hardship.ts';
import { deskLoanView } from '#shared/desk/desk-loan-view.ts';
import type { DeskTaskView } from '#shared/desk/desk-task-view.ts';
import { listDeskTasks, loanAudit } from '#shared/desk/list-desk.ts';
import { portfolioView } from '#shared/desk/portfolio-view.ts';
import { recordOutcome } from '#shared/desk/record-outcome.ts';
import { releaseTask } from '#shared/desk/release-task.ts';
import { resolveDispute } from '#shared/desk/resolve-dispute.ts';
import { restructureLoan } from '#shared/desk/restructure-loan.ts';
import { waiveCharges } from '#shared/desk/waive-charges.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { opsHandler } from '#shared/http/ops-handler.ts';
import { json } from '#shared/http/responses.ts';
import type { OpsRouteKey } from '#shared/http/route-table.ts';
import {
  type BulkDeferralRequest,
  bulkDeferralRequestSchema,
  type DisputeResolutionRequest,
  deskTaskId,
  deskTaskParamsSchema,
  disputeResolutionRequestSchema,
  type HardshipDecisionRequest,
  hardshipDecisionRequestSchema,
  hardshipPlanParamsSchema,
  type ListTasksQuery,
  listTasksQuerySchema,
  type OutcomeRequest,
  outcomeRequestSchema,
  type ReleaseRequest,
  type RestructureRequest,
  releaseRequestSchema,
  restructureRequestSchema,
  type WaiverRequest,
  waiverRequestSchema,
} from '#shared/schemas/ops.ts';
import { type PortfolioQuery, portfolioQuerySchema } from '#shared/schemas/portfolio-risk.ts';
import { loanIdParamsSchema } from '#shared/schemas/servicing.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';
import { borrowerRightsRoutes } from './borrower-rights-routes.ts';
import { complaintRoutes } from './complaint-routes.ts';
import { reviewRoutes } from './review-routes.ts';
import { watchlistRoutes } from './watchlist-routes.ts';

type TaskParams = { taskId: { loanId: string; taskId: string } };
const BOTH = ['agent', 'supervisor'] as const;
const SUPERVISOR = ['supervisor'] as const;

/** The task as the API names it: its id is the desk's opaque one (loan and task). */
const apiTask = <T extends DeskTaskView>(view: T) => ({
  ...view,
  taskId: deskTaskId(view.loanId, view.taskId),
});

/** The collection desk (`/v1/ops/`): agent tasks, their claims and outcomes, and a loan's audit trail. */
export function opsRoutes(deps: AppDeps): Record<OpsRouteKey, RouteHandler> {
  const chain = handlerDeps(deps);
  return {
    ...complaintRoutes(deps),
    ...reviewRoutes(deps),
    ...borrowerRightsRoutes(deps),
    ...watchlistRoutes(deps),
    'GET /v1/ops/tasks': opsHandler<undefined, Record<string, never>, ListTasksQuery>(chain, {
      roles: BOTH,
      query: listTasksQuerySchema,
      handler: async (event) => {
        const page = await listDeskTasks(deps, event.parsedQuery);
        return json(200, { tasks: page.tasks.map(apiTask), ...(page.cursor ? { cursor: page.cursor } : {}) });
      },
    }),
    'POST /v1/ops/tasks/{taskId}/claim': opsHandler<undefined, TaskParams>(chain, {
      roles: BOTH,
      params: deskTaskParamsSchema,
      idempotent: true,
      handler: async (event) => {
        const { loanId, taskId } = event.parsedParams.taskId;
        return json(200, apiTask(await claimTask(deps, event.user, loanId, taskId)));
      },
    }),
    'POST /v1/ops/tasks/{taskId}/outcome': opsHandler<OutcomeRequest, TaskParams>(chain, {
      roles: BOTH,
      params: deskTaskParamsSchema,
      body: outcomeRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const { loanId, taskId } = event.parsedParams.taskId;
        return json(201, apiTask(await recordOutcome(deps, event.user, loanId, taskId, event.parsedBody)));
      },
    }),
    'POST /v1/ops/tasks/{taskId}/release': opsHandler<ReleaseRequest, TaskParams>(chain, {
      roles: BOTH,
      params: deskTaskParamsSchema,
      body: releaseRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const { loanId, taskId } = event.parsedParams.taskId;
        return json(
          200,
          apiTask(await releaseTask(deps, event.user, loanId, taskId, event.parsedBody.reason)),
        );
      },
    }),
    'GET /v1/ops/loans/{loanId}': opsHandler<undefined, { loanId: string }>(chain, {
      roles: BOTH,
      params: loanIdParamsSchema,
      handler: async (event) => json(200, await deskLoanView(deps, event.parsedParams.loanId)),
    }),
    'GET /v1/ops/loans/{loanId}/audit': opsHandler<undefined, { loanId: string }>(chain, {
      roles: BOTH,
      params: loanIdParamsSchema,
      handler: async (event) => json(200, await loanAudit(deps, event.parsedParams.loanId)),
    }),
    'GET /v1/ops/portfolio': opsHandler<undefined, Record<string, never>, PortfolioQuery>(chain, {
      roles: BOTH,
      query: portfolioQuerySchema,
      handler: async (event) => json(200, await portfolioView(deps, event.parsedQuery)),
    }),
    // Supervisors only: who is asking; the supervisor actions below sit beside it under the same role check.
    'GET /v1/ops/supervision': opsHandler(chain, {
      roles: ['supervisor'],
      handler: async (event) => json(200, { userId: event.user.userId, groups: event.user.groups }),
    }),
    'POST /v1/ops/loans/{loanId}/hardship/{planId}/decision': opsHandler<
      HardshipDecisionRequest,
      { loanId: string; planId: string }
    >(chain, {
      roles: SUPERVISOR,
      params: hardshipPlanParamsSchema,
      body: hardshipDecisionRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const { loanId, planId } = event.parsedParams;
        return json(200, await decideReferredHardship(deps, event.user, loanId, planId, event.parsedBody));
      },
    }),
    'POST /v1/ops/loans/{loanId}/restructure': opsHandler<RestructureRequest, { loanId: string }>(chain, {
      roles: SUPERVISOR,
      params: loanIdParamsSchema,
      body: restructureRequestSchema,
      idempotent: true,
      handler: async (event) =>
        json(201, await restructureLoan(deps, event.user, event.parsedParams.loanId, event.parsedBody)),
    }),
    'POST /v1/ops/loans/{loanId}/waivers': opsHandler<WaiverRequest, { loanId: string }>(chain, {
      roles: SUPERVISOR,
      params: loanIdParamsSchema,
      body: waiverRequestSchema,
      idempotent: true,
      handler: async (event) =>
        json(201, await waiveCharges(deps, event.user, event.parsedParams.loanId, event.parsedBody)),
    }),
    'POST /v1/ops/deferrals': opsHandler<BulkDeferralRequest>(chain, {
      roles: SUPERVISOR,
      body: bulkDeferralRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const { reason, deferralDays, ...target } = event.parsedBody;
        // The key names the action: a retry after a crash half way finds the loans done and does the rest.
        const actionId = bulkActionId(event.user.userId, event.headers?.['idempotency-key'], () =>
          deps.ids.next('bulk'),
        );
        return json(200, await bulkDeferral(deps, event.user, { target, reason, deferralDays }, actionId));
      },
    }),
    'POST /v1/ops/loans/{loanId}/dispute-resolution': opsHandler<
      DisputeResolutionRequest,
      { loanId: string }
    >(chain, {
      roles: ['supervisor'],
      params: loanIdParamsSchema,
      body: disputeResolutionRequestSchema,
      idempotent: true,
      handler: async (event) =>
        json(200, await resolveDispute(deps, event.user, event.parsedParams.loanId, event.parsedBody)),
    }),
  };
}
