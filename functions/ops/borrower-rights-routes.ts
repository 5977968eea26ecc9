import { eraseBorrower, exportBorrower } from '#shared/desk/borrower-rights.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { opsHandler } from '#shared/http/ops-handler.ts';
import { json } from '#shared/http/responses.ts';
import type { OpsRouteKey } from '#shared/http/route-table.ts';
import {
  borrowerParamsSchema,
  type EraseBorrowerRequest,
  type ExportBorrowerQuery,
  eraseBorrowerRequestSchema,
  exportBorrowerQuerySchema,
} from '#shared/schemas/borrower-rights.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

type BorrowerRouteKey = Extract<OpsRouteKey, `${string} /v1/ops/borrowers/${string}`>;
type BorrowerParams = { borrowerId: string };

/** Borrowers' rights: a person's data exported or erased, by supervisors, audited. */
export function borrowerRightsRoutes(deps: AppDeps): Record<BorrowerRouteKey, RouteHandler> {
  const chain = handlerDeps(deps);
  return {
    'GET /v1/ops/borrowers/{borrowerId}/export': opsHandler<undefined, BorrowerParams, ExportBorrowerQuery>(
      chain,
      {
        roles: ['supervisor'],
        params: borrowerParamsSchema,
        query: exportBorrowerQuerySchema,
        handler: async (event) => {
          const { partnerId, reason } = event.parsedQuery;
          return json(
            200,
            await exportBorrower(deps, event.user, partnerId, event.parsedParams.borrowerId, reason),
          );
        },
      },
    ),
    'POST /v1/ops/borrowers/{borrowerId}/erase': opsHandler<EraseBorrowerRequest, BorrowerParams>(chain, {
      roles: ['supervisor'],
      params: borrowerParamsSchema,
      body: eraseBorrowerRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const { partnerId, reason } = event.parsedBody;
        return json(
          200,
          await eraseBorrower(deps, event.user, partnerId, event.parsedParams.borrowerId, reason),
        );
      },
    }),
  };
}
