import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { ApiEvent } from './api-event.ts';
import { type ApiHandlerDeps, type ApiRoute, observedHttpChain, parseInput } from './api-handler.ts';
import { HttpError } from './errors.ts';
import { idempotency } from './idempotency.ts';

export type OpsRole = 'agent' | 'supervisor';

/** An ops request after the chain: the user from the Cognito claims, and the validated input. */
export interface OpsEvent<TBody, TParams, TQuery = unknown> extends ApiEvent<TBody, TParams> {
  user: OpsUser;
  parsedQuery: TQuery;
}

export interface OpsRoute<TBody, TParams, TQuery> extends Omit<ApiRoute<TBody, TParams>, 'handler'> {
  /** The groups that may call it. */
  roles: readonly OpsRole[];
  handler: (event: OpsEvent<TBody, TParams, TQuery>) => Promise<APIGatewayProxyResult>;
}

export const opsUnauthorized = () =>
  new HttpError(401, 'unauthorized', 'a valid ops token is required (Authorization: Bearer …)');
export const forbidden = (roles: readonly string[]) =>
  new HttpError(403, 'forbidden', `this action is for ${roles.join(' or ')} only`);

/**
 * `cognito:groups` as API Gateway's REST Cognito authorizer hands it over: a string (one group, or several
 * separated by commas or spaces, sometimes in brackets), or an array when a test builds the event.
 */
function groupsOf(value: unknown): OpsRole[] {
  const names = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return names.filter((g): g is OpsRole => g === 'agent' || g === 'supervisor');
}

/** The user the gateway's Cognito authorizer verified (`requestContext.authorizer.claims`), or undefined. */
export function opsUserOf(event: APIGatewayProxyEvent): OpsUser | undefined {
  const claims = (event.requestContext?.authorizer as { claims?: Record<string, unknown> } | null)?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  return { userId: sub, groups: groupsOf(claims?.['cognito:groups']) };
}

function opsAuth(roles: readonly OpsRole[]): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const user = opsUserOf(request.event);
      if (!user) throw opsUnauthorized();
      if (!user.groups.some((g) => roles.includes(g))) throw forbidden(roles);
      (request.event as OpsEvent<unknown, unknown>).user = user;
    },
  };
}

/**
 * The ops routes' chain: the partner chain's error contract, validation and idempotency, with the user and
 * groups from the Cognito claims instead of a partner key (an API key opens nothing here). Idempotency
 * keys are each user's own.
 */
export function opsHandler<TBody = undefined, TParams = Record<string, never>, TQuery = unknown>(
  deps: ApiHandlerDeps,
  route: OpsRoute<TBody, TParams, TQuery>,
) {
  const chain = observedHttpChain(deps, (event) => route.handler(event as OpsEvent<TBody, TParams, TQuery>));
  chain.use(opsAuth(route.roles)).use(parseInput<TBody, TParams>(route, deps.maxBodyBytes));
  if (route.idempotent && deps.idempotencyStore)
    chain.use(
      idempotency(
        deps.idempotencyStore,
        (event) => `ops#${(event as OpsEvent<unknown, unknown>).user.userId}`,
      ),
    );
  return chain;
}
