/** Errors a handler throws to answer with the error contract `{ error, message, issues? }`. */

export interface IssueDetail {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: IssueDetail[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, issues?: IssueDetail[]) =>
  new HttpError(400, 'invalid_request', message, issues);
export const unauthorized = () => new HttpError(401, 'unauthorized', 'a valid x-api-key header is required');
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} was not found`);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);
export const payloadTooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `the body is over the ${limit}-byte limit`);
export const unsupportedMediaType = () =>
  new HttpError(415, 'unsupported_media_type', 'the body must be JSON (content-type: application/json)');
export const unprocessable = (code: string, message: string) => new HttpError(422, code, message);
