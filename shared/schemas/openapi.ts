import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import {
  applicationIdParamsSchema,
  applicationRequestSchema,
  decisionSchema,
  reviewRequestResultSchema,
  reviewRequestSchema,
} from './applications.ts';
import {
  borrowerErasureSchema,
  borrowerExportSchema,
  borrowerParamsSchema,
  eraseBorrowerRequestSchema,
  exportBorrowerQuerySchema,
} from './borrower-rights.ts';
import { errorSchema } from './common.ts';
import {
  answerComplaintRequestSchema,
  complaintIdParamsSchema,
  complaintPageSchema,
  complaintSchema,
  complaintWithAuditSchema,
  listComplaintsQuerySchema,
} from './complaints.ts';
import { deskLoanViewSchema } from './desk-loan.ts';
import {
  auditTrailSchema,
  bulkDeferralRequestSchema,
  bulkDeferralResultSchema,
  deskTaskPageSchema,
  deskTaskSchema,
  disputeResolutionRequestSchema,
  disputeResolutionSchema,
  hardshipDecisionRequestSchema,
  hardshipDecisionSchema,
  hardshipPlanParamsSchema,
  listTasksQuerySchema,
  outcomeRequestSchema,
  releaseRequestSchema,
  restructureRequestSchema,
  restructuringSchema,
  supervisionSchema,
  waiverRequestSchema,
  waiverResultSchema,
} from './ops.ts';
import { portfolioPageSchema, portfolioQuerySchema } from './portfolio-risk.ts';
import {
  answerReviewRequestSchema,
  listReviewsQuerySchema,
  reviewPageSchema,
  reviewParamsSchema,
  reviewSchema,
  reviewWithAuditSchema,
} from './reviews.ts';
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
  promiseRequestSchema,
  promiseResultSchema,
  storedContactPreferencesSchema,
} from './servicing.ts';
import { listWatchlistQuerySchema, watchlistPageSchema } from './watchlist.ts';

/** The document a partner's generated client is built from: `GET /v1/openapi.json` answers with it. */
export const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document: this one.' });

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

// --- headers --------------------------------------------------------------------------------------

const replayedHeader = {
  $ref: '#/components/headers/IdempotentReplayed',
} as const;
const locationHeader = { $ref: '#/components/headers/Location' } as const;

// --- error answers: one component per status -------------------------------------------------------

const errorAnswer = (id: string, description: string, headers?: ZodOpenApiResponseObject['headers']) =>
  ({ id, description, content: json(errorSchema), ...(headers ? { headers } : {}) }) as const;

/** Answers the chain gives before any route runs, or the gateway gives in front of it. */
const badRequest = errorAnswer(
  'BadRequest',
  'Invalid input: the body, a path parameter or the Idempotency-Key; `issues` names each field.',
);
const unauthorized = errorAnswer('Unauthorized', 'No x-api-key, or a key that is not a partner’s.');
const notFound = errorAnswer(
  'NotFound',
  'No such resource for this partner (another partner’s id answers exactly as a missing one).',
);
const payloadTooLarge = errorAnswer('PayloadTooLarge', 'The body is over 64 KiB.');
const unsupportedMediaType = errorAnswer(
  'UnsupportedMediaType',
  'The body is not JSON: send content-type application/json.',
);
const tooManyRequests = errorAnswer(
  'TooManyRequests',
  'Over the partner’s rate or daily quota (API Gateway usage plan); retry later.',
  { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
);
const internalError = errorAnswer(
  'InternalError',
  'Something failed on our side; nothing was half-done. Retry, with the same Idempotency-Key on POST.',
);
/** On POST routes the answer may be the stored first answer to an earlier request with the same key. */
const notFoundOnPost = errorAnswer(
  'NotFoundOnPost',
  'No such resource for this partner (another partner’s id answers exactly as a missing one).',
  { 'idempotent-replayed': replayedHeader },
);
const conflict = errorAnswer(
  'Conflict',
  'A conflict with what is stored (e.g. an application booked already, a paymentId used for another ' +
    'payment), or an Idempotency-Key used with another body or still in progress.',
  { 'idempotent-replayed': replayedHeader },
);
const unprocessable = errorAnswer('Unprocessable', 'Valid, but refused by a business rule.', {
  'idempotent-replayed': replayedHeader,
});

type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 422;

/**
 * The error answers of a route: what it names, plus what every route can answer (401 without a key,
 * 413 for a body over the limit, which the gateway refuses before any route runs, 429 when throttled
 * and 500 when something fails on our side).
 */
function errorsOf(statuses: ErrorStatus[], options: { post?: boolean } = {}): ZodOpenApiResponsesObject {
  const byStatus: Record<ErrorStatus, ZodOpenApiResponseObject> = {
    400: badRequest,
    401: unauthorized,
    404: options.post ? notFoundOnPost : notFound,
    409: conflict,
    413: payloadTooLarge,
    415: unsupportedMediaType,
    422: unprocessable,
  };
  const all = [...new Set<ErrorStatus>([...statuses, 401, 413])].sort((a, b) => a - b);
  return {
    ...Object.fromEntries(all.map((status) => [String(status), byStatus[status]])),
    '429': tooManyRequests,
    '500': internalError,
  };
}

const idempotencyHeader = {
  in: 'header' as const,
  name: 'Idempotency-Key',
  required: false,
  description:
    'A retry with the same key and body gets the first answer (with `idempotent-replayed: true`); ' +
    'the same key with another body answers 409. Keys are kept for 24 hours.',
  schema: { type: 'string' as const, minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

const acceptLanguageHeader = {
  in: 'header' as const,
  name: 'Accept-Language',
  required: false,
  description: 'Reason texts are in Chinese when zh is preferred, in English otherwise.',
  schema: { type: 'string' as const, maxLength: 256 },
};

const success = (
  description: string,
  schema: z.ZodType,
  headers?: ZodOpenApiResponseObject['headers'],
): ZodOpenApiResponseObject => ({ description, content: json(schema), ...(headers ? { headers } : {}) });

const postApplication: ZodOpenApiOperationObject = {
  operationId: 'createApplication',
  tags: ['applications'],
  summary: 'Score a loan application and return an explained decision',
  parameters: [idempotencyHeader, acceptLanguageHeader],
  requestBody: { required: true, content: json(applicationRequestSchema) },
  responses: {
    '201': success('The decision', decisionSchema, {
      location: locationHeader,
      'idempotent-replayed': replayedHeader,
    }),
    ...errorsOf([400, 409, 415], { post: true }),
  },
};

const getApplication: ZodOpenApiOperationObject = {
  operationId: 'getApplication',
  tags: ['applications'],
  summary: 'Read a decision again',
  parameters: [acceptLanguageHeader],
  requestParams: { path: applicationIdParamsSchema },
  responses: {
    '200': success('The decision', decisionSchema),
    ...errorsOf([400, 404]),
  },
};

const postReviewRequest: ZodOpenApiOperationObject = {
  operationId: 'requestDecisionReview',
  tags: ['applications'],
  summary: 'Ask for a person to review an automated decline (PIPL Art. 24); a supervisor answers it',
  parameters: [idempotencyHeader],
  requestParams: { path: applicationIdParamsSchema },
  requestBody: { required: true, content: json(reviewRequestSchema) },
  responses: {
    '201': success('The review, requested', reviewRequestResultSchema, {
      location: locationHeader,
      'idempotent-replayed': replayedHeader,
    }),
    ...errorsOf([400, 404, 409, 415, 422], { post: true }),
  },
};

const postLoan: ZodOpenApiOperationObject = {
  operationId: 'bookLoan',
  tags: ['loans'],
  summary: 'Book a loan from an approved, unexpired application, on terms within its offer',
  parameters: [idempotencyHeader],
  requestBody: { required: true, content: json(bookLoanRequestSchema) },
  responses: {
    '201': success('The booked loan and its schedule', loanViewSchema, {
      location: locationHeader,
      'idempotent-replayed': replayedHeader,
    }),
    ...errorsOf([400, 404, 409, 415, 422], { post: true }),
  },
};

const getLoan: ZodOpenApiOperationObject = {
  operationId: 'getLoan',
  tags: ['loans'],
  summary: 'Schedule, amounts by component, days past due, bucket, classification, escalation and hardship',
  requestParams: { path: loanIdParamsSchema },
  responses: {
    '200': success('The loan', loanViewSchema),
    ...errorsOf([400, 404]),
  },
};

const postPayment: ZodOpenApiOperationObject = {
  operationId: 'postPayment',
  tags: ['loans'],
  summary: 'Apply a repayment; idempotent on paymentId (a replay answers 200 with the first allocation)',
  parameters: [idempotencyHeader],
  requestParams: { path: loanIdParamsSchema },
  requestBody: { required: true, content: json(paymentRequestSchema) },
  responses: {
    '200': success('Applied before (a replay of the same paymentId)', paymentResultSchema, {
      'idempotent-replayed': replayedHeader,
    }),
    '201': success('Applied', paymentResultSchema, { 'idempotent-replayed': replayedHeader }),
    ...errorsOf([400, 404, 409, 415], { post: true }),
  },
};

const postHardship: ZodOpenApiOperationObject = {
  operationId: 'requestHardship',
  tags: ['loans'],
  summary: 'Request a deferral: granted at once within the rules (201) or referred to operations (202)',
  parameters: [idempotencyHeader],
  requestParams: { path: loanIdParamsSchema },
  requestBody: { required: true, content: json(hardshipRequestSchema) },
  responses: {
    '201': success('Granted', hardshipResultSchema, { 'idempotent-replayed': replayedHeader }),
    '202': success('Referred to operations', hardshipResultSchema, { 'idempotent-replayed': replayedHeader }),
    ...errorsOf([400, 404, 409, 415, 422], { post: true }),
  },
};

const postPromise: ZodOpenApiOperationObject = {
  operationId: 'postPromise',
  tags: ['loans'],
  summary:
    'Record the borrower’s promise to pay what is past due; the collection ladder waits until the day after its date',
  parameters: [idempotencyHeader],
  requestParams: { path: loanIdParamsSchema },
  requestBody: { required: true, content: json(promiseRequestSchema) },
  responses: {
    '201': success('Recorded', promiseResultSchema, { 'idempotent-replayed': replayedHeader }),
    ...errorsOf([400, 404, 409, 415, 422], { post: true }),
  },
};

const putPreferences: ZodOpenApiOperationObject = {
  operationId: 'putContactPreferences',
  tags: ['borrowers'],
  summary: 'Language, time zone, opt-out per channel and consent flags; effective for the next contact',
  requestParams: { path: borrowerIdParamsSchema },
  requestBody: { required: true, content: json(contactPreferencesSchema) },
  responses: {
    '200': success('Stored: the preferences now in force', storedContactPreferencesSchema),
    ...errorsOf([400, 404, 415]),
  },
};

const getOpenApi: ZodOpenApiOperationObject = {
  operationId: 'getOpenApi',
  tags: ['meta'],
  summary: 'This document',
  responses: {
    '200': success('The OpenAPI 3.1 document', openApiDocumentSchema),
    ...errorsOf([]),
  },
};

// --- the collection desk (/v1/ops/): Cognito ID tokens, never an API key -----------------------------------

const opsSecurity = [{ opsUser: [] }];
const opsUnauthorized = errorAnswer(
  'OpsUnauthorized',
  'No ops token, or one that is not valid (a partner key opens nothing here).',
);
const opsForbidden = errorAnswer(
  'OpsForbidden',
  'The user’s groups do not include the one this action is for.',
);
const taskIdParams = z.object({
  taskId: z.string().meta({ description: 'The desk’s task id (`DeskTask.taskId`).' }),
});

/** An ops route's error answers: the partner ones, with the ops 401 (and 403 where a role is required). */
function opsErrorsOf(statuses: ErrorStatus[], options: { post?: boolean; forbidden?: boolean } = {}) {
  return {
    ...errorsOf(statuses, options),
    '401': opsUnauthorized,
    ...(options.forbidden ? { '403': opsForbidden } : {}),
  };
}

/** An ops read: agents and supervisors (`forbidden` where supervisors alone may), one 200 answer. */
const opsRead = (
  operationId: string,
  summary: string,
  params: { path?: z.ZodObject; query?: z.ZodObject },
  answer: { description: string; schema: z.ZodType },
  errors: ErrorStatus[],
  options: { forbidden?: boolean } = {},
): ZodOpenApiOperationObject => ({
  operationId,
  tags: ['ops'],
  summary,
  security: opsSecurity,
  requestParams: params,
  responses: { '200': success(answer.description, answer.schema), ...opsErrorsOf(errors, options) },
});

const listDeskTasks = opsRead(
  'opsListTasks',
  'Agent tasks by status (open, claimed, done), rung, partner and due before an instant; a page at a time',
  { query: listTasksQuerySchema },
  { description: 'A page of tasks', schema: deskTaskPageSchema },
  [400],
);

const taskAction = (
  operationId: string,
  summary: string,
  status: '200' | '201',
  body?: z.ZodType,
): ZodOpenApiOperationObject => ({
  operationId,
  tags: ['ops'],
  summary,
  security: opsSecurity,
  parameters: [idempotencyHeader],
  requestParams: { path: taskIdParams },
  ...(body ? { requestBody: { required: true, content: json(body) } } : {}),
  responses: {
    [status]: success('The task now', deskTaskSchema, { 'idempotent-replayed': replayedHeader }),
    ...opsErrorsOf(body ? [400, 404, 409, 415, 422] : [400, 404, 409, 422], { post: true }),
  },
});

const getDeskLoan = opsRead(
  'opsGetLoan',
  'A loan of any partner as the desk works it: schedule and standing, episode and rung, hardship, restructuring, payments, tasks and the contacts timeline',
  { path: loanIdParamsSchema },
  { description: 'The loan', schema: deskLoanViewSchema },
  [400, 404],
);

const getAudit = opsRead(
  'opsLoanAudit',
  'The desk actions on a loan, oldest first (who, when, what, inputs without personal data, why)',
  { path: loanIdParamsSchema },
  { description: 'The audit trail', schema: auditTrailSchema },
  [400, 404],
);

const getSupervision: ZodOpenApiOperationObject = {
  operationId: 'opsSupervision',
  tags: ['ops'],
  summary: 'Supervisors only: who is asking (the supervisor actions will sit beside it)',
  security: opsSecurity,
  responses: { '200': success('The supervisor', supervisionSchema), ...opsErrorsOf([], { forbidden: true }) },
};

/** A supervisor's action: supervisors only (403 for an agent), idempotent with an Idempotency-Key. */
const supervisorAction = (
  operationId: string,
  summary: string,
  status: '200' | '201',
  body: z.ZodType,
  answer: z.ZodType,
  path?: z.ZodObject,
): ZodOpenApiOperationObject => ({
  operationId,
  tags: ['ops'],
  summary,
  security: opsSecurity,
  parameters: [idempotencyHeader],
  ...(path ? { requestParams: { path } } : {}),
  requestBody: { required: true, content: json(body) },
  responses: {
    [status]: success('Done', answer, { 'idempotent-replayed': replayedHeader }),
    // Without a path there is no loan to miss: the bulk action answers not found per loan, in its results.
    ...opsErrorsOf(path ? [400, 404, 409, 415, 422] : [400, 409, 415, 422], { post: true, forbidden: true }),
  },
});

const listComplaints = opsRead(
  'opsListComplaints',
  'Complaints (inbound messages that were not opt-outs) by status, oldest first, with their age',
  { query: listComplaintsQuerySchema },
  { description: 'A page of complaints', schema: complaintPageSchema },
  [400],
);

const getComplaint = opsRead(
  'opsGetComplaint',
  'One complaint with its audit trail',
  { path: complaintIdParamsSchema },
  { description: 'The complaint', schema: complaintWithAuditSchema },
  [400, 404],
);

const listReviewsOperation = opsRead(
  'opsListReviews',
  'Reviews of automated declines the borrowers asked for, waiting (open) or answered (closed)',
  { query: listReviewsQuerySchema },
  { description: 'A page of reviews', schema: reviewPageSchema },
  [400],
);

const portfolioOperation = opsRead(
  'opsPortfolio',
  'The daily portfolio snapshots from one date to another (buckets, NPL ratio, roll rates, vintages, charge-offs, recoveries, concentration); with partnerId, that partner’s figures',
  { query: portfolioQuerySchema },
  { description: 'The snapshots, oldest first', schema: portfolioPageSchema },
  [400],
);

const listWatchlistOperation = opsRead(
  'opsListWatchlist',
  'Loans with an early-warning signal (each raised once per occurrence, also as EarlyWarningRaised), oldest first; a loan leaves the list once current for the configured days',
  { query: listWatchlistQuerySchema },
  { description: 'A page of watched loans', schema: watchlistPageSchema },
  [400],
);

const getReviewOperation = opsRead(
  'opsGetReview',
  'One review with its audit trail',
  { path: reviewParamsSchema },
  { description: 'The review', schema: reviewWithAuditSchema },
  [400, 404],
);

const exportBorrowerOperation = opsRead(
  'opsExportBorrower',
  'Supervisors only: everything held about a person at a partner, decrypted (PIPL Art. 45); audited',
  { path: borrowerParamsSchema, query: exportBorrowerQuerySchema },
  { description: 'The export', schema: borrowerExportSchema },
  [400, 404, 422],
  { forbidden: true },
);

/** The OpenAPI document of the partner API, generated from the same zod schemas the handlers validate with. */
export function openApiDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Duebell partner API',
      version: '1.0.0',
      description:
        'Credit decisions, loan booking, repayments, loan status, hardship and contact preferences. ' +
        'Every request carries `x-api-key`; a partner sees only its own applications, loans and borrowers. ' +
        'Amounts are integer fen, rates basis points, dates YYYY-MM-DD in the lender time zone ' +
        '(default Asia/Shanghai), instants ISO 8601 with an offset.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      contact: { name: 'Duebell partner integrations', email: 'partners@duebell.example' },
    },
    servers: [
      {
        url: 'http://127.0.0.1:{port}',
        description: 'This machine: `duebell serve` or `npm start` (DynamoDB Local).',
        variables: { port: { default: '3000', description: 'The port given to `duebell serve --port`.' } },
      },
      {
        url: 'https://{restApiId}.execute-api.{region}.{dnsSuffix}/{stage}',
        description: 'The deployed API Gateway stage: the endpoint `cdk deploy` prints.',
        variables: {
          restApiId: { default: 'restApiId', description: 'The REST API id of the deployed stack.' },
          region: { default: 'cn-north-1', description: 'The AWS Region the stack is deployed to.' },
          dnsSuffix: {
            default: 'amazonaws.com.cn',
            enum: ['amazonaws.com.cn', 'amazonaws.com'],
            description: 'amazonaws.com.cn in the China Regions, amazonaws.com elsewhere.',
          },
          stage: { default: 'v1', enum: ['v1'] },
        },
      },
    ],
    tags: [
      {
        name: 'applications',
        description: 'Scoring: gates, scorecard, grade and a priced offer under the cap.',
      },
      { name: 'loans', description: 'Booking, schedules and status, repayments, hardship.' },
      { name: 'borrowers', description: 'Contact preferences.' },
      { name: 'meta', description: 'This document.' },
      {
        name: 'ops',
        description:
          'The collection desk, for the lender’s agents and supervisors (Cognito users), not partners.',
      },
    ],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The partner’s API key.' },
        opsUser: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A desk user’s Cognito ID token (groups agent, supervisor); `duebell serve` prints local ones.',
        },
      },
      headers: {
        IdempotentReplayed: {
          description:
            'Present, `true`, when this is the stored first answer to an earlier request with the same Idempotency-Key.',
          schema: { type: 'string', enum: ['true'] },
        },
        Location: {
          description: 'The path of the created resource.',
          required: true,
          schema: { type: 'string' },
        },
        RetryAfter: {
          description: 'Seconds to wait before retrying, when the gateway gives it.',
          schema: { type: 'integer', minimum: 0 },
        },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/applications': { post: postApplication },
      '/v1/applications/{applicationId}': { get: getApplication },
      '/v1/applications/{applicationId}/review-requests': { post: postReviewRequest },
      '/v1/loans': { post: postLoan },
      '/v1/loans/{loanId}': { get: getLoan },
      '/v1/loans/{loanId}/payments': { post: postPayment },
      '/v1/loans/{loanId}/hardship': { post: postHardship },
      '/v1/loans/{loanId}/promises': { post: postPromise },
      '/v1/borrowers/{borrowerId}/contact-preferences': { put: putPreferences },
      '/v1/openapi.json': { get: getOpenApi },
      '/v1/ops/tasks': { get: listDeskTasks },
      '/v1/ops/tasks/{taskId}/claim': {
        post: taskAction(
          'opsClaimTask',
          'Claim a task: one agent at a time, under a lease; the daily call cap first',
          '200',
        ),
      },
      '/v1/ops/tasks/{taskId}/outcome': {
        post: taskAction(
          'opsRecordOutcome',
          'Record what the call came to (the claim’s holder)',
          '201',
          outcomeRequestSchema,
        ),
      },
      '/v1/ops/tasks/{taskId}/release': {
        post: taskAction(
          'opsReleaseTask',
          'Give a claimed task back without an outcome',
          '200',
          releaseRequestSchema,
        ),
      },
      '/v1/ops/loans/{loanId}': { get: getDeskLoan },
      '/v1/ops/loans/{loanId}/audit': { get: getAudit },
      '/v1/ops/supervision': { get: getSupervision },
      '/v1/ops/complaints': { get: listComplaints },
      '/v1/ops/complaints/{complaintId}': { get: getComplaint },
      '/v1/ops/complaints/{complaintId}/answer': {
        post: supervisorAction(
          'opsAnswerComplaint',
          'Supervisors only: answer a complaint and close it (audited)',
          '200',
          answerComplaintRequestSchema,
          complaintSchema,
          complaintIdParamsSchema,
        ),
      },
      '/v1/ops/reviews': { get: listReviewsOperation },
      '/v1/ops/watchlist': { get: listWatchlistOperation },
      '/v1/ops/reviews/{applicationId}': { get: getReviewOperation },
      '/v1/ops/reviews/{applicationId}/answer': {
        post: supervisorAction(
          'opsAnswerReview',
          'Supervisors only: uphold or overturn a decline under review, with a reason (audited, emitted)',
          '200',
          answerReviewRequestSchema,
          reviewSchema,
          reviewParamsSchema,
        ),
      },
      '/v1/ops/borrowers/{borrowerId}/export': { get: exportBorrowerOperation },
      '/v1/ops/portfolio': { get: portfolioOperation },
      '/v1/ops/borrowers/{borrowerId}/erase': {
        post: supervisorAction(
          'opsEraseBorrower',
          'Supervisors only: erase a person’s name, phone, email and birth date once every loan is repaid (PIPL Art. 47); audited',
          '200',
          eraseBorrowerRequestSchema,
          borrowerErasureSchema,
          borrowerParamsSchema,
        ),
      },
      '/v1/ops/loans/{loanId}/hardship/{planId}/decision': {
        post: supervisorAction(
          'supervisorDecideHardship',
          'Supervisors: grant a referred hardship plan (days within the limits) or refuse it with a reason',
          '200',
          hardshipDecisionRequestSchema,
          hardshipDecisionSchema,
          hardshipPlanParamsSchema,
        ),
      },
      '/v1/ops/loans/{loanId}/restructure': {
        post: supervisorAction(
          'supervisorRestructureLoan',
          'Supervisors: restructure a loan once (principal and unpaid interest over a new term, the episode ends)',
          '201',
          restructureRequestSchema,
          restructuringSchema,
          loanIdParamsSchema,
        ),
      },
      '/v1/ops/loans/{loanId}/waivers': {
        post: supervisorAction(
          'supervisorWaiveCharges',
          'Supervisors: waive penalty (up to what accrued) and contract interest (up to half of what is due)',
          '201',
          waiverRequestSchema,
          waiverResultSchema,
          loanIdParamsSchema,
        ),
      },
      '/v1/ops/deferrals': {
        post: supervisorAction(
          'supervisorBulkDeferral',
          'Supervisors: a disaster deferral for a list of loans or a province’s, each checked against the limits',
          '200',
          bulkDeferralRequestSchema,
          bulkDeferralResultSchema,
        ),
      },
      '/v1/ops/loans/{loanId}/dispute-resolution': {
        post: supervisorAction(
          'opsResolveDispute',
          'Supervisors only: resolve the loan’s open dispute; the collection ladder goes on from its next daily look',
          '200',
          disputeResolutionRequestSchema,
          disputeResolutionSchema,
          loanIdParamsSchema,
        ),
      },
    },
  });
}
