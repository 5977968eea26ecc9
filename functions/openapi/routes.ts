import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { openApiDocument } from '#shared/schemas/openapi.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

export function openApiRoutes(
  deps: Pick<AppDeps, 'partners' | 'logger' | 'rules'>,
): Record<RouteKey<'openapi'>, RouteHandler> {
  const document = JSON.stringify(openApiDocument());
  return {
    'GET /v1/openapi.json': apiHandler(handlerDeps(deps), {
      handler: async () => ({ ...json(200, null), body: document }),
    }),
  };
}
