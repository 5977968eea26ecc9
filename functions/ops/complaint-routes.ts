import { answerComplaint, listComplaints, showComplaint } from '#shared/desk/complaints.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { opsHandler } from '#shared/http/ops-handler.ts';
import { json } from '#shared/http/responses.ts';
import type { OpsRouteKey } from '#shared/http/route-table.ts';
import {
  type AnswerComplaintRequest,
  answerComplaintRequestSchema,
  complaintIdParamsSchema,
  type ListComplaintsQuery,
  listComplaintsQuerySchema,
} from '#shared/schemas/complaints.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

type ComplaintRouteKey = Extract<OpsRouteKey, `${string} /v1/ops/complaints${string}`>;
type ComplaintParams = { complaintId: string };

/** Complaints: the desk reads them; supervisors answer and close them. */
export function complaintRoutes(deps: AppDeps): Record<ComplaintRouteKey, RouteHandler> {
  const chain = handlerDeps(deps);
  return {
    'GET /v1/ops/complaints': opsHandler<undefined, Record<string, never>, ListComplaintsQuery>(chain, {
      roles: ['agent', 'supervisor'],
      query: listComplaintsQuerySchema,
      handler: async (event) => json(200, await listComplaints(deps, event.parsedQuery)),
    }),
    'GET /v1/ops/complaints/{complaintId}': opsHandler<undefined, ComplaintParams>(chain, {
      roles: ['agent', 'supervisor'],
      params: complaintIdParamsSchema,
      handler: async (event) => json(200, await showComplaint(deps, event.parsedParams.complaintId)),
    }),
    'POST /v1/ops/complaints/{complaintId}/answer': opsHandler<AnswerComplaintRequest, ComplaintParams>(
      chain,
      {
        roles: ['supervisor'],
        params: complaintIdParamsSchema,
        body: answerComplaintRequestSchema,
        idempotent: true,
        handler: async (event) =>
          json(
            200,
            await answerComplaint(deps, event.user, event.parsedParams.complaintId, event.parsedBody),
          ),
      },
    ),
  };
}
