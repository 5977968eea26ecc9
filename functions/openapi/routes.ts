import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';
import openApiDocument from '../../clients/typescript/generated/openapi.json' with { type: 'json' };

/**
 * The document is the one generated from the zod schemas and committed (`npm run client:check` fails
 * when it is not what the schemas give now): building it here would load every schema and zod-openapi
 * into this function's cold start.
 */
export function openApiRoutes(
  deps: Pick<AppDeps, 'partners' | 'logger' | 'rules'>,
): Record<RouteKey<'openapi'>, RouteHandler> {
  const document = JSON.stringify(openApiDocument);
  return {
    'GET /v1/openapi.json': apiHandler(handlerDeps(deps), {
      handler: async () => ({ ...json(200, null), body: document }),
    }),
  };
}
