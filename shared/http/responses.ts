import type { APIGatewayProxyResult } from 'aws-lambda';
import type { HttpError } from './errors.ts';

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(err: HttpError): APIGatewayProxyResult {
  return json(err.statusCode, {
    error: err.code,
    message: err.message,
    ...(err.issues && err.issues.length > 0 ? { issues: err.issues } : {}),
  });
}
