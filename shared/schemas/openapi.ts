import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import { applicationIdParamsSchema, applicationRequestSchema, decisionSchema } from './applications.ts';
import { errorSchema } from './common.ts';
import {
  bookLoanRequestSchema,
  borrowerIdParamsSchema,
  contactPreferencesSchema,
  hardshipRequestSchema,
  hardshipResultSchema,
  loanIdParamsSchema,
  loanViewSchema,
  paymentRequestSchema,
  paymentResultSchema,
} from './servicing.ts';

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: 'error', content: { 'application/json': { schema: errorSchema } } },
    ]),
  );

const idempotencyHeader = {
  in: 'header' as const,
  name: 'Idempotency-Key',
  required: false,
  description:
    'A retry with the same key and body returns the first answer; another body with the same key is 409.',
  schema: { type: 'string' as const, maxLength: 255 },
};

const postApplication: ZodOpenApiOperationObject = {
  operationId: 'createApplication',
  summary: 'Score a loan application and return an explained decision',
  parameters: [idempotencyHeader],
  requestBody: { content: { 'application/json': { schema: applicationRequestSchema } } },
  responses: {
    '201': { description: 'The decision', content: { 'application/json': { schema: decisionSchema } } },
    ...errors(400, 401, 409, 413, 415, 429),
  },
};

const getApplication: ZodOpenApiOperationObject = {
  operationId: 'getApplication',
  summary: 'Read a decision again',
  requestParams: { path: applicationIdParamsSchema },
  responses: {
    '200': { description: 'The decision', content: { 'application/json': { schema: decisionSchema } } },
    ...errors(400, 401, 404, 429),
  },
};

const postLoan: ZodOpenApiOperationObject = {
  operationId: 'bookLoan',
  summary: 'Book a loan from an approved, unexpired application, on terms within its offer',
  parameters: [idempotencyHeader],
  requestBody: { content: { 'application/json': { schema: bookLoanRequestSchema } } },
  responses: {
    '201': {
      description: 'The booked loan and its schedule',
      content: { 'application/json': { schema: loanViewSchema } },
    },
    ...errors(400, 401, 404, 409, 413, 415, 422, 429),
  },
};

const getLoan: ZodOpenApiOperationObject = {
  operationId: 'getLoan',
  summary: 'Schedule, amounts by component, days past due, bucket, classification, escalation and hardship',
  requestParams: { path: loanIdParamsSchema },
  responses: {
    '200': { description: 'The loan', content: { 'application/json': { schema: loanViewSchema } } },
    ...errors(400, 401, 404, 429),
  },
};

const postPayment: ZodOpenApiOperationObject = {
  operationId: 'postPayment',
  summary: 'Apply a repayment; idempotent on paymentId (a replay answers 200 with the first allocation)',
  parameters: [idempotencyHeader],
  requestParams: { path: loanIdParamsSchema },
  requestBody: { content: { 'application/json': { schema: paymentRequestSchema } } },
  responses: {
    '201': { description: 'Applied', content: { 'application/json': { schema: paymentResultSchema } } },
    '200': {
      description: 'Applied before (replay)',
      content: { 'application/json': { schema: paymentResultSchema } },
    },
    ...errors(400, 401, 404, 409, 413, 415, 429),
  },
};

const postHardship: ZodOpenApiOperationObject = {
  operationId: 'requestHardship',
  summary: 'Request a deferral: granted at once within the rules (201) or referred to operations (202)',
  parameters: [idempotencyHeader],
  requestParams: { path: loanIdParamsSchema },
  requestBody: { content: { 'application/json': { schema: hardshipRequestSchema } } },
  responses: {
    '201': { description: 'Granted', content: { 'application/json': { schema: hardshipResultSchema } } },
    '202': {
      description: 'Referred to operations',
      content: { 'application/json': { schema: hardshipResultSchema } },
    },
    ...errors(400, 401, 404, 409, 413, 415, 422, 429),
  },
};

const putPreferences: ZodOpenApiOperationObject = {
  operationId: 'putContactPreferences',
  summary: 'Language, time zone, opt-out per channel and consent flags; effective for the next contact',
  requestParams: { path: borrowerIdParamsSchema },
  requestBody: { content: { 'application/json': { schema: contactPreferencesSchema } } },
  responses: {
    '200': { description: 'Stored', content: { 'application/json': { schema: contactPreferencesSchema } } },
    ...errors(400, 401, 404, 413, 415, 429),
  },
};

/** The OpenAPI document of the partner API, generated from the same zod schemas the handlers validate with. */
export function openApiDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Duebell partner API',
      version: '1.0.0',
      description: 'Amounts are integer fen, rates basis points, dates YYYY-MM-DD in the lender time zone.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/applications': { post: postApplication },
      '/v1/applications/{applicationId}': { get: getApplication },
      '/v1/loans': { post: postLoan },
      '/v1/loans/{loanId}': { get: getLoan },
      '/v1/loans/{loanId}/payments': { post: postPayment },
      '/v1/loans/{loanId}/hardship': { post: postHardship },
      '/v1/borrowers/{borrowerId}/contact-preferences': { put: putPreferences },
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI 3.1 document' }, ...errors(401, 429) },
        },
      },
    },
  });
}
