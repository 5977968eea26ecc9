import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The event after the chain has checked it: who is calling, and the validated body and path. */
export interface ApiEvent<TBody, TParams> extends APIGatewayProxyEvent {
  partnerId: string;
  parsedBody: TBody;
  parsedParams: TParams;
}
