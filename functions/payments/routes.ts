import { apiHandler } from '#shared/http/api-handler.ts';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { json } from '#shared/http/responses.ts';
import type { RouteKey } from '#shared/http/route-table.ts';
import { countBy } from '#shared/observability/metrics.ts';
import { loanIdParamsSchema, type PaymentRequest, paymentRequestSchema } from '#shared/schemas/servicing.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { type AppDeps, handlerDeps } from '#shared/wiring/app-deps.ts';

/** POST /v1/loans/{loanId}/payments: idempotent on paymentId (and on Idempotency-Key). */
export function paymentRoutes(deps: AppDeps): Record<RouteKey<'payments'>, RouteHandler> {
  return {
    'POST /v1/loans/{loanId}/payments': apiHandler<PaymentRequest, { loanId: string }>(handlerDeps(deps), {
      body: paymentRequestSchema,
      params: loanIdParamsSchema,
      idempotent: true,
      handler: async (event) => {
        const outcome = await applyPayment(
          deps,
          event.partnerId,
          event.parsedParams.loanId,
          event.parsedBody,
        );
        const { payment } = outcome;
        countBy(deps.metrics, outcome.applied ? 'PaymentsApplied' : 'PaymentsReplayed');
        if (outcome.cured) countBy(deps.metrics, 'LoansCured');
        return json(outcome.applied ? 201 : 200, {
          paymentId: payment.paymentId,
          loanId: payment.loanId,
          amount: payment.amount,
          paidAt: payment.paidAt,
          allocations: payment.allocations,
          credit: payment.credit,
          loanStatus: outcome.loanStatus,
          daysPastDue: outcome.daysPastDue,
          cured: outcome.cured,
        });
      },
    }),
  };
}
