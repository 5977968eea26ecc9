/**
 * What a partner app's backend does with Duebell, through the typed client: score an application,
 * read the decision, book the loan, read its schedule, pay the first installment (and retry the
 * payment safely), set the borrower's contact preferences and ask for a hardship deferral.
 *
 * Every request and answer is typed from the OpenAPI document; nothing here is cast.
 */
import { randomUUID } from 'node:crypto';
import {
  type ApiError,
  type ApplicationRequest,
  createDuebellClient,
  type Decision,
  type DuebellClient,
  type HardshipDecision,
  type Loan,
  type PaymentResult,
  type StoredContactPreferences,
} from '@duebell/client';

export interface JourneyOptions {
  baseUrl: string;
  apiKey: string;
  /** The application to score; its borrowerId is the partner's own id for the person. */
  application: ApplicationRequest;
  /** When the first installment is paid (ISO 8601 with an offset). Default: now. */
  paidAt?: string;
}

export interface JourneyResult {
  decision: Decision;
  loan?: Loan;
  payment?: PaymentResult;
  /** 200: the retry of the same payment was recognised, not applied twice. */
  paymentRetryStatus?: number;
  preferences?: StoredContactPreferences;
  hardship?: HardshipDecision;
}

/** A failed call: the status and the documented error body. */
export class DuebellError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    super(`${operation}: ${status} ${body ? `${body.error}: ${body.message}` : '(no error body)'}`);
    this.name = 'DuebellError';
  }
}

/** The 2xx body, or a DuebellError with the documented error. */
function ok<T>(operation: string, result: { data?: T; error?: ApiError; response: Response }): T {
  if (result.data === undefined) throw new DuebellError(operation, result.response.status, result.error);
  return result.data;
}

export async function runJourney(options: JourneyOptions): Promise<JourneyResult> {
  const duebell: DuebellClient = createDuebellClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    acceptLanguage: 'en',
  });

  // Score. An Idempotency-Key makes a retry after a timeout safe: it gets the first answer.
  const scoreKey = randomUUID();
  const decision = ok(
    'createApplication',
    await duebell.POST('/v1/applications', {
      params: { header: { 'Idempotency-Key': scoreKey } },
      body: options.application,
    }),
  );
  const stored = ok(
    'getApplication',
    await duebell.GET('/v1/applications/{applicationId}', {
      params: { path: { applicationId: decision.applicationId } },
    }),
  );
  if (stored.decision !== 'approve' || stored.offer === null) return { decision: stored };

  // Book on the offer as it stands (amount, term and rate may also be lowered, never raised).
  const booked = ok(
    'bookLoan',
    await duebell.POST('/v1/loans', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: { applicationId: stored.applicationId },
    }),
  );
  const loan = ok(
    'getLoan',
    await duebell.GET('/v1/loans/{loanId}', { params: { path: { loanId: booked.loanId } } }),
  );
  const first = loan.installments[0];
  if (first === undefined) return { decision: stored, loan };

  // Pay the first installment. paymentId is the partner's own: posting it again never pays twice.
  const payment = {
    paymentId: `pay-${randomUUID()}`,
    amount: first.outstanding.total,
    paidAt: options.paidAt ?? new Date().toISOString(),
  };
  const paid = ok(
    'postPayment',
    await duebell.POST('/v1/loans/{loanId}/payments', {
      params: { path: { loanId: loan.loanId } },
      body: payment,
    }),
  );
  const retry = await duebell.POST('/v1/loans/{loanId}/payments', {
    params: { path: { loanId: loan.loanId } },
    body: payment,
  });
  ok('postPayment (retry)', retry);

  const preferences = ok(
    'putContactPreferences',
    await duebell.PUT('/v1/borrowers/{borrowerId}/contact-preferences', {
      params: { path: { borrowerId: stored.borrowerId } },
      body: {
        language: 'zh-CN',
        timezone: 'Asia/Shanghai',
        optOut: ['email'],
        consents: {
          contactBySms: true,
          contactByEmail: true,
          shareWithCollectionAgencies: false,
          sensitiveData: true,
        },
      },
    }),
  );

  const hardship = ok(
    'requestHardship',
    await duebell.POST('/v1/loans/{loanId}/hardship', {
      params: { path: { loanId: loan.loanId }, header: { 'Idempotency-Key': randomUUID() } },
      body: { reason: 'illness', deferralDays: 10 },
    }),
  );

  return {
    decision: stored,
    loan,
    payment: paid,
    paymentRetryStatus: retry.response.status,
    preferences,
    hardship,
  };
}
