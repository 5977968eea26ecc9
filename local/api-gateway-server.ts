import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { RouteHandler } from '#shared/http/dispatch.ts';
import { badRequest, HttpError, notFound, payloadTooLarge, unauthorized } from '#shared/http/errors.ts';
import { opsUnauthorized } from '#shared/http/ops-handler.ts';
import { errorResponse } from '#shared/http/responses.ts';
import { OPS_PATH_PREFIX, splitRouteKey } from '#shared/http/route-table.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import { localApiKeyId } from './local-api-keys.ts';
import type { LocalOpsTokens, OpsClaims } from './local-ops-tokens.ts';

export interface LocalGatewayOptions {
  routes: Record<string, RouteHandler>;
  /**
   * The partner directory, which the gateway consults as API Gateway consults its enabled keys: a key
   * no live partner holds is answered 401 before any route runs.
   */
  partners: PartnerDirectory;
  maxBodyBytes: number;
  /** Verifies the ops routes' bearer tokens (what the Cognito authorizer does on AWS). */
  opsTokens?: LocalOpsTokens;
  /**
   * Runs once a route's answer has been sent, not awaited: the local stack drains the table's outbox
   * there, after the answer, as the stream publisher runs on AWS.
   */
  afterAnswer?: () => void;
}

interface CompiledRoute {
  method: string;
  resource: string;
  pattern: RegExp;
  params: string[];
  handler: RouteHandler;
}

function compile(routes: Record<string, RouteHandler>): CompiledRoute[] {
  return Object.entries(routes).map(([key, handler]) => {
    const { method, resource } = splitRouteKey(key);
    const params: string[] = [];
    const source = resource.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
      params.push(name);
      return '([^/]+)';
    });
    return { method, resource, pattern: new RegExp(`^${source}$`), params, handler };
  });
}

export interface ProxyEventInput {
  resource: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  query?: Record<string, string> | null;
  pathParameters?: Record<string, string> | null;
  body: string | null;
  apiKey?: string;
  apiKeyId?: string;
  sourceIp?: string;
  /** Verified Cognito claims, where the authorizer puts them (`requestContext.authorizer.claims`). */
  claims?: OpsClaims;
}

/** The REST API proxy event API Gateway would hand the function. */
export function buildProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  return {
    resource: input.resource,
    path: input.path,
    httpMethod: input.method,
    headers: input.headers,
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body: input.body,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      stage: 'v1',
      httpMethod: input.method,
      resourcePath: input.resource,
      path: input.path,
      identity: { apiKey: input.apiKey, apiKeyId: input.apiKeyId, sourceIp: input.sourceIp ?? '127.0.0.1' },
      ...(input.claims ? { authorizer: { claims: input.claims } } : {}),
    },
  } as unknown as APIGatewayProxyEvent;
}

/** A plain context: no getRemainingTimeInMillis, so middy's timeout timer stays off. */
export const plainContext = { functionName: 'local', awsRequestId: 'local' } as unknown as Context;

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw payloadTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Does locally what API Gateway does in front of the handlers: checks the API key (401),
 * the body limit (413), matches the resource, builds the REST proxy event and calls the same handler.
 */
export function createLocalGateway(options: LocalGatewayOptions): Server {
  const compiled = compile(options.routes);
  // The gateway's own limit sits a little above the handler's, so the handler's 413 is the one a client sees.
  const transportLimit = options.maxBodyBytes * 2;
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (statusCode: number, headers: Record<string, unknown>, body: string) => {
      res.writeHead(statusCode, headers as Record<string, string>);
      res.end(body);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      // Ops routes: the Cognito authorizer alone (an API key opens nothing there); others: the API key.
      const ops = url.pathname.startsWith(OPS_PATH_PREFIX);
      const apiKey = ops ? undefined : headers['x-api-key'];
      const apiKeyId = apiKey === undefined ? undefined : localApiKeyId(apiKey);
      const claims = ops ? opsClaimsOf(headers.authorization, options.opsTokens) : undefined;
      if (ops && !claims) throw opsUnauthorized();
      if (!ops && !(await options.partners.partnerFor(apiKeyId))) throw unauthorized();
      const body = await readBody(req, transportLimit);
      const route = compiled.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      if (!route) throw notFound('route');
      const match = route.pattern.exec(url.pathname);
      const pathParameters = Object.fromEntries(
        route.params.map((name, i) => [name, decodedSegment(name, match?.[i + 1] ?? '')]),
      );
      const event = buildProxyEvent({
        resource: route.resource,
        path: url.pathname,
        method: req.method ?? 'GET',
        headers,
        query: url.searchParams.size ? Object.fromEntries(url.searchParams) : null,
        pathParameters: route.params.length ? pathParameters : null,
        body: body.length ? body.toString('utf8') : null,
        apiKey,
        apiKeyId,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        claims,
      });
      const result = await route.handler(event, plainContext);
      send(result.statusCode, result.headers ?? {}, result.body);
      options.afterAnswer?.();
    } catch (err) {
      const answer =
        err instanceof HttpError
          ? errorResponse(err)
          : errorResponse(new HttpError(500, 'internal_error', 'something went wrong; retry later'));
      send(answer.statusCode, answer.headers ?? {}, answer.body);
    }
  });
}

/** A path parameter decoded as API Gateway does; malformed percent-encoding (`%ZZ`) is the client's error. */
function decodedSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest('the path is not valid percent-encoding', [
      { path: name, message: 'malformed %-escape' },
    ]);
  }
}

/** The verified claims of `Authorization: Bearer <token>` (Cognito also takes the bare token), or undefined. */
function opsClaimsOf(header: string | undefined, tokens: LocalOpsTokens | undefined): OpsClaims | undefined {
  if (!header || !tokens) return undefined;
  return tokens.verify(header.replace(/^Bearer\s+/i, '').trim());
}
