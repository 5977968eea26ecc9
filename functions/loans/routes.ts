import { LoanNotFound } from '#shared/errors/domain-errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { countBy } from '#shared/observability/metrics.ts';
import {
  type BookLoanRequest,
  bookLoanRequestSchema,
  loanIdParamsSchema,
} from '#shared/schemas/servicing.ts';
import { bookFromApplication } from '#shared/servicing/book-from-application.ts';
import { loanView } from '#shared/servicing/loan-view.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/** POST /v1/loans and GET /v1/loans/{loanId}. */
export function loanRoutes(deps: AppDeps): Record<RouteKey<'loans'>, RouteHandler> {
  const common = handlerDeps(deps);
  const view = async (partnerId: string, loanId: string) => {
    const found = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!found || found.loan.partnerId !== partnerId) throw new LoanNotFound();
    return loanView(
      found.loan,
      found.installments,
      localDateOf(deps.clock.now(), deps.rules.timezone),
      deps.rules,
    );
  };
  return {
    'POST /v1/loans': apiHandler<BookLoanRequest, Record<string, never>>(common, {
      body: bookLoanRequestSchema,
      idempotent: true,
      handler: async (event) => {
        const loan = await bookFromApplication(deps, event.partnerId, event.parsedBody);
        countBy(deps.metrics, 'LoansBooked', { repaymentMethod: loan.repaymentMethod });
        return json(201, await view(event.partnerId, loan.loanId), {
          location: `/v1/loans/${loan.loanId}`,
        });
      },
    }),
    'GET /v1/loans/{loanId}': apiHandler<undefined, { loanId: string }>(common, {
      params: loanIdParamsSchema,
      handler: async (event) => json(200, await view(event.partnerId, event.parsedParams.loanId)),
    }),
  };
}
