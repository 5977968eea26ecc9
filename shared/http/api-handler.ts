import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { ApiEvent } from './api-event.ts';
import { httpErrorOf } from './error-status.ts';
import { badRequest, HttpError, payloadTooLarge, unauthorized, unsupportedMediaType } from './errors.ts';
import { type IdempotencyStore, idempotency, keyedInTransaction } from './idempotency.ts';
import { issuesOf } from './issues.ts';
import { errorResponse } from './responses.ts';

export interface ApiHandlerDeps {
  partners: PartnerDirectory;
  logger: Logger;
  maxBodyBytes: number;
  idempotencyStore?: IdempotencyStore;
  /** On AWS: EMF metrics (cold starts and the routes' business counts) and X-Ray tracing. */
  metrics?: Metrics;
  tracer?: Tracer;
}

export interface ApiRoute<TBody, TParams> {
  /** Schema of the JSON body; routes without one take no body. */
  body?: z.ZodType<TBody>;
  params?: z.ZodType<TParams>;
  /** Schema of the query string (its values are strings); validated like the body. */
  query?: z.ZodType<unknown>;
  /**
   * POST routes honour `Idempotency-Key`: around the handler (`true`), or, with `'in-transaction'`, in the
   * use case's own read and write (`event.keyed`).
   */
  idempotent?: boolean | 'in-transaction';
  handler: (event: ApiEvent<TBody, TParams>) => Promise<APIGatewayProxyResult>;
}

type Req = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/** Turns anything thrown into the error contract; unexpected errors are logged (no payloads) and answered 500. */
export function errorContract(logger: Logger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request: Req) => {
      const err = request.error;
      const answer = httpErrorOf(err);
      if (answer) {
        request.response = errorResponse(answer);
        return;
      }
      logger.error('unhandled error', {
        errorName: err?.name,
        errorMessage: err?.message,
        stack: err?.stack,
      });
      request.response = errorResponse(
        new HttpError(500, 'internal_error', 'something went wrong; retry later'),
      );
    },
  };
}

/** The gateway has checked the key is enabled; the directory maps it to a live partner (or refuses a retired key). */
function partnerAuth(partners: PartnerDirectory): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request: Req) => {
      const partnerId = await partners.partnerFor(
        request.event.requestContext?.identity?.apiKeyId ?? undefined,
      );
      if (!partnerId) throw unauthorized();
      (request.event as ApiEvent<unknown, unknown>).partnerId = partnerId;
    },
  };
}

export function parseInput<TBody, TParams>(
  route: Pick<ApiRoute<TBody, TParams>, 'body' | 'params' | 'query'>,
  maxBodyBytes: number,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request: Req) => {
      const event = request.event as ApiEvent<TBody, TParams>;
      if (route.params) {
        const params = route.params.safeParse(event.pathParameters ?? {});
        if (!params.success) throw badRequest('invalid path parameters', issuesOf(params.error));
        event.parsedParams = params.data;
      }
      if (route.query) {
        const query = route.query.safeParse(event.queryStringParameters ?? {});
        if (!query.success) throw badRequest('invalid query parameters', issuesOf(query.error));
        (event as ApiEvent<TBody, TParams> & { parsedQuery: unknown }).parsedQuery = query.data;
      }
      if (!route.body) return;
      const raw =
        event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      if (raw && Buffer.byteLength(raw, 'utf8') > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
      const contentType = event.headers?.['content-type'] ?? '';
      if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) throw unsupportedMediaType();
      let json: unknown;
      try {
        json = JSON.parse(raw ?? '');
      } catch {
        throw badRequest('the body is not valid JSON');
      }
      const body = route.body.safeParse(json);
      if (!body.success) throw badRequest('the request body is invalid', issuesOf(body.error));
      event.parsedBody = body.data;
    },
  };
}

/**
 * The start every HTTP chain shares (partner and ops routes): tracing, the logger's context, metrics,
 * normalised headers and errors in the contract. The event is never logged: bodies carry personal data,
 * and ops requests carry notes and tokens.
 */
export function observedHttpChain(
  deps: ApiHandlerDeps,
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
) {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(handler);
  if (deps.tracer) chain.use(captureLambdaHandler(deps.tracer, { captureResponse: false }));
  chain.use(injectLambdaContext(deps.logger, { logEvent: false, resetKeys: true }));
  if (deps.metrics) chain.use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
  return chain.use(httpHeaderNormalizer()).use(errorContract(deps.logger));
}

/**
 * One middy chain for every partner route: headers normalised, errors in the contract, partner from
 * the API key, body and path validated with zod, then idempotency. Nothing is written before validation.
 */
export function apiHandler<TBody = undefined, TParams = Record<string, never>>(
  deps: ApiHandlerDeps,
  route: ApiRoute<TBody, TParams>,
) {
  const chain = observedHttpChain(deps, (event) => route.handler(event as ApiEvent<TBody, TParams>));
  chain.use(partnerAuth(deps.partners)).use(parseInput(route, deps.maxBodyBytes));
  if (route.idempotent === 'in-transaction' && deps.idempotencyStore) {
    chain.use(keyedInTransaction(deps.idempotencyStore));
  } else if (route.idempotent && deps.idempotencyStore) chain.use(idempotency(deps.idempotencyStore));
  return chain;
}
