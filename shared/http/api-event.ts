import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { KeyedRequest } from '#shared/ports/records.ts';

/** The event after the chain has checked it: who is calling, and the validated body and path. */
export interface ApiEvent<TBody, TParams> extends APIGatewayProxyEvent {
  partnerId: string;
  parsedBody: TBody;
  parsedParams: TParams;
  /** On a route whose use case checks its `Idempotency-Key` itself, the key and its request. */
  keyed?: KeyedRequest;
}
