/**
 * The typed client of the Duebell partner API: openapi-fetch over the types openapi-typescript
 * generates from the API's OpenAPI document (`generated/`, rebuilt by `npm run client:generate`).
 *
 * ```ts
 * const duebell = createDuebellClient({ baseUrl: 'http://127.0.0.1:3000', apiKey });
 * const { data, error } = await duebell.POST('/v1/applications', { body: application });
 * ```
 * Paths, path parameters, bodies and answers are typed by the document: `data` is the 2xx body,
 * `error` the documented error body (`{ error, message, issues? }`) and `response` the raw response.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './generated/schema.ts';

export type { components, operations, paths };

type Schemas = components['schemas'];
export type ApplicationRequest = Schemas['ApplicationRequest'];
export type Decision = Schemas['Decision'];
export type BookLoanRequest = Schemas['BookLoanRequest'];
export type Loan = Schemas['Loan'];
export type PaymentRequest = Schemas['PaymentRequest'];
export type PaymentResult = Schemas['PaymentResult'];
export type HardshipRequest = Schemas['HardshipRequest'];
export type HardshipDecision = Schemas['HardshipDecision'];
export type PromiseRequest = Schemas['PromiseRequest'];
export type PromiseToPay = Schemas['PromiseToPay'];
export type ContactPreferences = Schemas['ContactPreferences'];
export type StoredContactPreferences = Schemas['StoredContactPreferences'];
/** Every error answer: a stable `error` code, a `message` for people, and `issues` with field paths on 400. */
export type ApiError = Schemas['Error'];

export type DuebellClient = Client<paths>;

export interface DuebellClientOptions {
  /**
   * Where the API is: `http://127.0.0.1:3000` for `duebell serve`, or the deployed stage,
   * `https://{restApiId}.execute-api.{region}.amazonaws.com.cn/v1` (the endpoint `cdk deploy` prints).
   */
  baseUrl: string;
  /** The partner's API key, sent as `x-api-key` on every request. */
  apiKey: string;
  /** Reason texts in Chinese when `zh-CN` (or any zh) is preferred, in English otherwise. */
  acceptLanguage?: string;
  /** Another fetch (tests, proxies, retries). Default: the global fetch. */
  fetch?: ClientOptions['fetch'];
}

export function createDuebellClient(options: DuebellClientOptions): DuebellClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: {
      'x-api-key': options.apiKey,
      ...(options.acceptLanguage ? { 'accept-language': options.acceptLanguage } : {}),
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
