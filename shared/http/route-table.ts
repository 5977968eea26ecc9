/**
 * The partner API's routes, grouped by the Lambda function that serves them. CDK builds the
 * API Gateway resources from this table, the local server routes with it, and each function's
 * route factory must provide exactly its keys.
 */
export const routeTable = {
  applications: [
    'POST /v1/applications',
    'GET /v1/applications/{applicationId}',
    'POST /v1/applications/{applicationId}/review-requests',
  ],
  loans: ['POST /v1/loans', 'GET /v1/loans/{loanId}'],
  payments: ['POST /v1/loans/{loanId}/payments'],
  // A promise to pay is the borrower asking for time, as a hardship request is: the same function.
  hardship: ['POST /v1/loans/{loanId}/hardship', 'POST /v1/loans/{loanId}/promises'],
  preferences: ['PUT /v1/borrowers/{borrowerId}/contact-preferences'],
  openapi: ['GET /v1/openapi.json'],
} as const;

/**
 * The collection desk's routes: Cognito users (groups agent, supervisor), never a partner key. Apart from
 * `routeTable` because everything built from that table requires an API key; the CDK API adds these with
 * the Cognito authorizer instead, and the local gateway checks ops tokens on them.
 */
export const opsRouteTable = {
  ops: [
    'GET /v1/ops/tasks',
    'POST /v1/ops/tasks/{taskId}/claim',
    'POST /v1/ops/tasks/{taskId}/outcome',
    'POST /v1/ops/tasks/{taskId}/release',
    'GET /v1/ops/loans/{loanId}',
    'GET /v1/ops/loans/{loanId}/audit',
    'GET /v1/ops/supervision',
    'GET /v1/ops/complaints',
    'GET /v1/ops/complaints/{complaintId}',
    'POST /v1/ops/complaints/{complaintId}/answer',
    'GET /v1/ops/reviews',
    'GET /v1/ops/reviews/{applicationId}',
    'POST /v1/ops/reviews/{applicationId}/answer',
    'GET /v1/ops/watchlist',
    'GET /v1/ops/borrowers/{borrowerId}/export',
    'POST /v1/ops/borrowers/{borrowerId}/erase',
    'GET /v1/ops/portfolio',
    // The supervisor's actions.
    'POST /v1/ops/loans/{loanId}/hardship/{planId}/decision',
    'POST /v1/ops/loans/{loanId}/restructure',
    'POST /v1/ops/loans/{loanId}/waivers',
    'POST /v1/ops/deferrals',
    'POST /v1/ops/loans/{loanId}/dispute-resolution',
  ],
} as const;

export const OPS_PATH_PREFIX = '/v1/ops/';
export type OpsRouteKey = (typeof opsRouteTable)['ops'][number];

export type FunctionName = keyof typeof routeTable;
export type RouteKey<F extends FunctionName> = (typeof routeTable)[F][number];

export function splitRouteKey(key: string): { method: string; resource: string } {
  const [method = '', resource = ''] = key.split(' ');
  return { method, resource };
}
