import type { ApiResponse, TestApi } from './api.ts';

/** A request to the ops API as the holder of `token` (no partner key), with an Idempotency-Key if given. */
export function opsClient(api: TestApi) {
  return (token: string, method: string, path: string, body?: unknown, key?: string): Promise<ApiResponse> =>
    api.request(method, path, {
      apiKey: null,
      headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
      ...(body === undefined ? {} : { body }),
    });
}

/**
 * The statuses the served document names for these operations that no answer of the suite showed, but
 * those the suite cannot cause (`ignored`: by default the throttle, a body over the limit, our own 5xx).
 */
export function unseenStatuses(
  api: TestApi,
  operations: readonly string[],
  ignored = / (413|429|500)$/,
): string[] {
  return api.contract
    .documented()
    .filter((entry) => operations.includes(entry.split(' ')[0] as string))
    .filter((entry) => !api.contract.seen.has(entry))
    .filter((entry) => !ignored.test(entry));
}
