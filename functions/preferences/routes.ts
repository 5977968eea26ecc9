import { BorrowerNotFound } from '#shared/errors/domain-errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import type { ContactPreferences } from '#shared/ports/records.ts';
import { warnIfUnreachable } from '#shared/reminders/warn-unreachable.ts';
import { borrowerIdParamsSchema, contactPreferencesSchema } from '#shared/schemas/servicing.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/** PUT /v1/borrowers/{borrowerId}/contact-preferences: effective for the next contact decision. */
export function preferenceRoutes(deps: AppDeps): Record<RouteKey<'preferences'>, RouteHandler> {
  return {
    'PUT /v1/borrowers/{borrowerId}/contact-preferences': apiHandler<
      ContactPreferences,
      { borrowerId: string }
    >(handlerDeps(deps), {
      body: contactPreferencesSchema,
      params: borrowerIdParamsSchema,
      handler: async (event) => {
        const { borrowerId } = event.parsedParams;
        const stored = await deps.repos.borrowers.setPreferences(
          event.partnerId,
          borrowerId,
          event.parsedBody,
          deps.clock.now().toISOString(),
        );
        if (!stored) throw new BorrowerNotFound();
        await warnIfUnreachable(deps, event.partnerId, borrowerId);
        return json(200, { borrowerId, ...event.parsedBody });
      },
    }),
  };
}
