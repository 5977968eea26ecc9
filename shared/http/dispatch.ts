import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { notFound } from './errors.ts';
import { errorResponse } from './responses.ts';

export type RouteHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** One Lambda serves several methods of a resource: pick the route by `METHOD /resource`. */
export function dispatch(routes: Record<string, RouteHandler>): RouteHandler {
  return async (event, context) => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    return route ? route(event, context) : errorResponse(notFound('route'));
  };
}
