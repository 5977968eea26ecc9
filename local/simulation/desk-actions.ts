import { opsRoutes } from '#functions/ops/routes.ts';
import { buildProxyEvent, plainContext } from '#local/api-gateway-server.ts';
import { LocalOpsTokens } from '#local/local-ops-tokens.ts';
import { asRouteFunctions } from '#local/table-access-recorder.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import type { AppDeps } from '#shared/wiring/app-deps.ts';
import type { RequestAnswers, ScheduledAction } from './partner-requests.ts';

/** Desk actions run after the partner's requests of the same instant. */
const DESK_ORDER = 5;
const SIMULATED_SUPERVISOR = 'sim-supervisor';

type OpsEntry = NonNullable<Portfolio['ops']>[number];

/**
 * The portfolio's `ops` entries, each sent at its instant through the ops API's own handlers as a
 * supervisor: the claims come from a local ops token issued then, as the gateway's authorizer would pass
 * them. Answers are counted with the partner's requests; a refused one is listed, not lost.
 */
export function deskActions(deps: AppDeps, portfolio: Portfolio, answers: RequestAnswers): ScheduledAction[] {
  const routes = asRouteFunctions(opsRoutes(deps));
  const tokens = new LocalOpsTokens(() => deps.clock.now());
  const call = async (
    key: keyof typeof routes,
    path: string,
    params: Record<string, string> | null,
    body: unknown,
  ) => {
    const claims = tokens.verify(tokens.issue(SIMULATED_SUPERVISOR, ['supervisor']));
    const [method = 'POST', resource = ''] = key.split(' ');
    const event = buildProxyEvent({
      resource,
      path,
      method,
      headers: { 'content-type': 'application/json' },
      pathParameters: params,
      body: JSON.stringify(body),
      ...(claims ? { claims } : {}),
    });
    const answer = await routes[key](event, plainContext);
    const kind = `ops ${resource.split('/').at(-1)}`;
    const tag = `${kind} ${answer.statusCode}`;
    answers.byStatus[tag] = (answers.byStatus[tag] ?? 0) + 1;
    if (answer.statusCode >= 400) {
      const error = (JSON.parse(answer.body) as { error?: string }).error ?? 'error';
      answers.rejected.push({ kind, id: params?.loanId ?? 'deferrals', status: answer.statusCode, error });
    }
  };
  return (portfolio.ops ?? []).map((entry) => ({
    at: new Date(entry.at),
    order: DESK_ORDER,
    run: () => run(deps, entry, call),
  }));
}

async function run(
  deps: AppDeps,
  entry: OpsEntry,
  call: (
    key: keyof ReturnType<typeof opsRoutes>,
    path: string,
    params: Record<string, string> | null,
    body: unknown,
  ) => Promise<void>,
): Promise<void> {
  const { at: _, action, loanId = '', planId, ...body } = entry;
  const loan = { loanId };
  switch (action) {
    case 'restructure':
      return call(
        'POST /v1/ops/loans/{loanId}/restructure',
        `/v1/ops/loans/${loanId}/restructure`,
        loan,
        body,
      );
    case 'waiver':
      return call('POST /v1/ops/loans/{loanId}/waivers', `/v1/ops/loans/${loanId}/waivers`, loan, body);
    case 'bulk_deferral':
      return call('POST /v1/ops/deferrals', '/v1/ops/deferrals', null, body);
    case 'hardship_decision': {
      // The portfolio cannot know the id a referral will get: the loan's latest referred plan, unless named.
      const stored = await deps.repos.loans.getLoan(loanId);
      const plan =
        planId ?? stored?.hardshipPlans?.filter((p) => p.status === 'referred').at(-1)?.planId ?? 'none';
      return call(
        'POST /v1/ops/loans/{loanId}/hardship/{planId}/decision',
        `/v1/ops/loans/${loanId}/hardship/${plan}/decision`,
        { loanId, planId: plan },
        body,
      );
    }
  }
}
