import { applicationRoutes } from '#functions/applications/routes.ts';
import { hardshipRoutes } from '#functions/hardship/routes.ts';
import { paymentRoutes } from '#functions/payments/routes.ts';
import { buildProxyEvent, plainContext } from '#local/api-gateway-server.ts';
import { asRouteFunctions } from '#local/table-access-recorder.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import type { AppDeps } from '#shared/wiring/app-deps.ts';

/** Something the simulation does at an instant; `order` breaks ties between kinds at one instant. */
export interface ScheduledAction {
  at: Date;
  order: number;
  run: () => Promise<void>;
}

/** What the partner API answered: counts by kind and status, and each request it refused. */
export interface RequestAnswers {
  byStatus: Record<string, number>;
  rejected: { kind: string; id: string; status: number; error: string }[];
}

/**
 * The portfolio's payments, hardship requests, promises to pay and applications, sent through the partner API's
 * handlers; every answer is kept (a refused payment is reported, not lost). A payment dated before the
 * simulation starts is an error in the portfolio, not something to drop.
 */
export function partnerRequests(
  deps: AppDeps,
  portfolio: Portfolio,
  from: string,
): { actions: ScheduledAction[]; answers: RequestAnswers } {
  const answers: RequestAnswers = { byStatus: {}, rejected: [] };
  const early = portfolio.payments.filter((p) => localDateOf(p.paidAt, deps.rules.timezone) < from);
  if (early.length > 0)
    throw new Error(
      `${early.length} payments are dated before ${from} (first: ${early[0]?.paymentId}); book them into the loans or start earlier`,
    );
  const routes = asRouteFunctions({
    ...paymentRoutes(deps),
    ...hardshipRoutes(deps),
    ...applicationRoutes(deps),
  });
  const call = async (
    key: keyof typeof routes,
    partnerId: string,
    path: string,
    params: Record<string, string> | null,
    body: unknown,
  ) => {
    const [method = 'POST', resource = ''] = key.split(' ');
    const event = buildProxyEvent({
      resource,
      path,
      method,
      headers: { 'content-type': 'application/json' },
      pathParameters: params,
      body: JSON.stringify(body),
      apiKeyId: simulatedApiKeyId(partnerId),
    });
    const answer = await routes[key](event, plainContext);
    const kind = key.split('/').at(-1) ?? key;
    const tag = `${kind} ${answer.statusCode}`;
    answers.byStatus[tag] = (answers.byStatus[tag] ?? 0) + 1;
    if (answer.statusCode >= 400) {
      const id = (body as { paymentId?: string }).paymentId ?? params?.loanId ?? partnerId;
      const error = (JSON.parse(answer.body) as { error?: string }).error ?? 'error';
      answers.rejected.push({ kind, id, status: answer.statusCode, error });
    }
  };
  const partnerOf = (loanId: string) => portfolio.loans.find((l) => l.loanId === loanId)?.partnerId;
  const actions: ScheduledAction[] = [];
  for (const p of portfolio.payments) {
    const partnerId = partnerOf(p.loanId);
    if (!partnerId) continue;
    const path = `/v1/loans/${p.loanId}/payments`;
    const body = { paymentId: p.paymentId, amount: p.amount, paidAt: p.paidAt };
    actions.push({
      at: new Date(p.paidAt),
      order: 2,
      run: () => call('POST /v1/loans/{loanId}/payments', partnerId, path, { loanId: p.loanId }, body),
    });
  }
  for (const h of portfolio.hardship) {
    const partnerId = partnerOf(h.loanId);
    if (!partnerId) continue;
    const path = `/v1/loans/${h.loanId}/hardship`;
    const body = { reason: h.reason, deferralDays: h.deferralDays };
    actions.push({
      at: new Date(h.requestedAt),
      order: 3,
      run: () => call('POST /v1/loans/{loanId}/hardship', partnerId, path, { loanId: h.loanId }, body),
    });
  }
  for (const p of portfolio.promises ?? []) {
    const partnerId = partnerOf(p.loanId);
    if (!partnerId) continue;
    const path = `/v1/loans/${p.loanId}/promises`;
    actions.push({
      at: new Date(p.at),
      order: 5,
      run: () =>
        call(
          'POST /v1/loans/{loanId}/promises',
          partnerId,
          path,
          { loanId: p.loanId },
          {
            date: p.date,
            amount: p.amount,
          },
        ),
    });
  }
  for (const a of portfolio.applications) {
    actions.push({
      at: new Date(a.at),
      order: 4,
      run: () => call('POST /v1/applications', a.partnerId, '/v1/applications', null, a.body),
    });
  }
  return { actions, answers };
}

/** The key id a simulated partner's requests carry (the run's directory holds it). */
export function simulatedApiKeyId(partnerId: string): string {
  return `sim-${partnerId}`;
}
