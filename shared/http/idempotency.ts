import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '#shared/ports/clock.ts';
import type { IdempotencyRecords } from '#shared/ports/stores.ts';
import type { ApiEvent } from './api-event.ts';
import { httpErrorOf } from './error-status.ts';
import { badRequest, conflict } from './errors.ts';
import { errorResponse } from './responses.ts';

export interface IdempotencyStore {
  repository: IdempotencyRecords;
  clock: Clock;
  ttlSeconds: number;
}

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on POST: the first request's answer is stored; a retry with the same key and
 * body gets it again; the same key with another body is 409. Runs after validation, so a rejected
 * request writes nothing. 5xx answers are not stored: the client may retry them.
 */
export function idempotency(
  store: IdempotencyStore,
  /** Whose keys these are: the partner's by default; the ops chain keys them by user. */
  scopeOf: (event: ApiEvent<unknown, unknown>) => string = (event) => event.partnerId,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const keyOf = (event: APIGatewayProxyEvent) => event.headers?.['idempotency-key'];
  return {
    before: async (request) => {
      const key = keyOf(request.event);
      if (key === undefined) return;
      if (!KEY_RE.test(key)) throw badRequest('Idempotency-Key must be 1–255 printable ASCII characters');
      const event = request.event as ApiEvent<unknown, unknown>;
      const requestHash = createHash('sha256')
        .update(`${event.httpMethod} ${event.path}\n${JSON.stringify(event.parsedBody ?? null)}`)
        .digest('hex');
      const begun = await store.repository.begin(
        scopeOf(event),
        key,
        requestHash,
        store.clock.now(),
        store.ttlSeconds,
      );
      if (begun.kind === 'mismatch') {
        throw conflict('idempotency_key_reused', 'this Idempotency-Key was used with a different request');
      }
      if (begun.kind === 'in_progress') {
        throw conflict(
          'idempotency_in_progress',
          'a request with this Idempotency-Key is still being processed',
        );
      }
      if (begun.kind === 'replay') {
        return { ...begun.response, headers: { ...begun.response.headers, 'idempotent-replayed': 'true' } };
      }
      (request.internal as Record<string, unknown>).idempotencyKey = key;
    },
    after: async (request) => {
      const key = (request.internal as Record<string, unknown>).idempotencyKey as string | undefined;
      const response = request.response;
      if (!key || !response) return;
      const partnerId = scopeOf(request.event as ApiEvent<unknown, unknown>);
      if (response.statusCode >= 500) {
        await store.repository.release(partnerId, key);
        return;
      }
      await store.repository.complete(partnerId, key, {
        statusCode: response.statusCode,
        headers: (response.headers ?? {}) as Record<string, string>,
        body: response.body,
      });
    },
    onError: async (request) => {
      const key = (request.internal as Record<string, unknown>).idempotencyKey as string | undefined;
      if (!key) return;
      const partnerId = scopeOf(request.event as ApiEvent<unknown, unknown>);
      // A refusal (409, 422) is the answer to this request: a retry gets it again. Anything else may be retried.
      const refusal = httpErrorOf(request.error);
      if (refusal && refusal.statusCode < 500) {
        const answer = errorResponse(refusal);
        await store.repository.complete(partnerId, key, {
          statusCode: answer.statusCode,
          headers: (answer.headers ?? {}) as Record<string, string>,
          body: answer.body,
        });
        return;
      }
      await store.repository.release(partnerId, key);
    },
  };
}
