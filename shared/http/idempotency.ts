import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '#shared/ports/clock.ts';
import type { StoredResponse } from '#shared/ports/records.ts';
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

/** The request's `Idempotency-Key`, when it sent one; a malformed key is a 400. */
function validKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const key = event.headers?.['idempotency-key'];
  if (key !== undefined && !KEY_RE.test(key)) {
    throw badRequest('Idempotency-Key must be 1–255 printable ASCII characters');
  }
  return key;
}

/** What a key's request is: the same key with another method, path or body is refused. */
function requestHashOf(event: ApiEvent<unknown, unknown>): string {
  return createHash('sha256')
    .update(`${event.httpMethod} ${event.path}\n${JSON.stringify(event.parsedBody ?? null)}`)
    .digest('hex');
}

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
  return {
    before: async (request) => {
      const key = validKeyOf(request.event);
      if (key === undefined) return;
      const event = request.event as ApiEvent<unknown, unknown>;
      const requestHash = requestHashOf(event);
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
      if (begun.kind === 'replay') return replayed(begun.response);
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
      await store.repository.complete(partnerId, key, storedResponseOf(response));
    },
    onError: async (request) => {
      const key = (request.internal as Record<string, unknown>).idempotencyKey as string | undefined;
      if (!key) return;
      const partnerId = scopeOf(request.event as ApiEvent<unknown, unknown>);
      // A refusal (409, 422) is the answer to this request: a retry gets it again. Anything else may be retried.
      const refusal = httpErrorOf(request.error);
      if (refusal && refusal.statusCode < 500) {
        await store.repository.complete(partnerId, key, storedResponseOf(errorResponse(refusal)));
        return;
      }
      await store.repository.release(partnerId, key);
    },
  };
}

/**
 * `Idempotency-Key` for a route whose use case checks the key with its own write (`event.keyed`): it reads
 * the answer with its other items and stores it in its transaction, so a request costs no round trip more.
 * A refusal (409, 422) is stored here, as the other routes store theirs; a failure stores nothing.
 */
export function keyedInTransaction(
  store: IdempotencyStore,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      const key = validKeyOf(request.event);
      if (key === undefined) return;
      const event = request.event as ApiEvent<unknown, unknown>;
      event.keyed = { key, requestHash: requestHashOf(event), ttlSeconds: store.ttlSeconds };
    },
    onError: async (request) => {
      const event = request.event as ApiEvent<unknown, unknown>;
      const refusal = httpErrorOf(request.error);
      // The key's own refusals (reused, in progress) belong to the other request: nothing to store.
      if (!event.keyed || !refusal || refusal.statusCode >= 500 || refusal.code.startsWith('idempotency_')) {
        return;
      }
      await store.repository.saveAnswer({
        ...event.keyed,
        partnerId: event.partnerId,
        now: store.clock.now(),
        response: storedResponseOf(errorResponse(refusal)),
      });
    },
  };
}

/** An answer as an idempotency record keeps it. */
function storedResponseOf(answer: APIGatewayProxyResult): StoredResponse {
  return {
    statusCode: answer.statusCode,
    headers: (answer.headers ?? {}) as Record<string, string>,
    body: answer.body,
  };
}

/** A stored answer given again: what the first request got, marked as a replay. */
export function replayed(response: StoredResponse): APIGatewayProxyResult {
  return { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } };
}
