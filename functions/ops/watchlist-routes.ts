import type { RouteHandler } from '#shared/http/dispatch.ts';
import { opsHandler } from '#shared/http/ops-handler.ts';
import { json } from '#shared/http/responses.ts';
import type { OpsRouteKey } from '#shared/http/route-table.ts';
import { type ListWatchlistQuery, listWatchlistQuerySchema } from '#shared/schemas/watchlist.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

type WatchlistRouteKey = Extract<OpsRouteKey, `${string} /v1/ops/watchlist${string}`>;

/** The early-warning watchlist: loans still current or in grace with a signal, oldest first. */
export function watchlistRoutes(deps: AppDeps): Record<WatchlistRouteKey, RouteHandler> {
  const chain = handlerDeps(deps);
  return {
    'GET /v1/ops/watchlist': opsHandler<undefined, Record<string, never>, ListWatchlistQuery>(chain, {
      roles: ['agent', 'supervisor'],
      query: listWatchlistQuerySchema,
      handler: async (event) => json(200, await deps.watchlist.page(event.parsedQuery)),
    }),
  };
}
