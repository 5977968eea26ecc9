import { createHash } from 'node:crypto';
import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import { conflict } from '#shared/http/errors.ts';
import { localDateOf, wholeYearsBetween } from '#shared/lending/calendar.ts';
import { activePlan } from '#shared/lending/hardship-plan.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { ApplicationRequest, Decision } from '#shared/schemas/applications.ts';
import { type CreditInput, decideCredit } from '#shared/scoring/decide.ts';
import { reason } from '#shared/scoring/reasons.ts';
import { ApplicationExistsError, type ApplicationRecord } from '#shared/storage/application-repository.ts';
import type { TransactItem } from '#shared/storage/borrower-repository.ts';
import type { Repositories } from '#shared/storage/repositories.ts';
import { newBorrowerRecord } from './new-borrower.ts';

export interface ScoringDeps {
  repos: Pick<Repositories, 'applications' | 'borrowers' | 'loans'>;
  keys: KeyService;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/** Canonical JSON (sorted keys) so the same inputs always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A plan marks the person until it ends; marks of plans that have ended are cleared here. */
async function hasActiveHardship(
  deps: ScoringDeps,
  identityHash: string,
  loanIds: string[],
  today: string,
): Promise<boolean> {
  let active = false;
  for (const loanId of loanIds) {
    const loan = await deps.repos.loans.getLoan(loanId);
    if (loan && activePlan(loan.hardshipPlans, today)) active = true;
    else await deps.repos.borrowers.setHardship(identityHash, loanId, false);
  }
  return active;
}

export function toDecision(app: ApplicationRecord, language: Language): Decision {
  return {
    applicationId: app.applicationId,
    borrowerId: app.borrowerId,
    decision: app.decision,
    score: app.score,
    grade: app.grade,
    reasons: app.reasons.map((r) => reason(r.code as Parameters<typeof reason>[0], language)),
    offer: app.offer,
    modelVersion: app.modelVersion,
    createdAt: app.createdAt,
    expiresAt: app.expiresAt,
  };
}

/**
 * Flow 1: policy gates, scorecard and a priced offer; the decision is stored with its model version,
 * reason codes and input hash, the borrower's contact data encrypted, and `ApplicationScored` published.
 */
export async function scoreApplication(
  deps: ScoringDeps,
  partnerId: string,
  body: ApplicationRequest,
  language: Language,
  /** The request's `Idempotency-Key`, when the partner sent one. */
  requestKey?: string,
): Promise<Decision> {
  const { rules } = deps;
  const now = deps.clock.now();
  const today = localDateOf(now, rules.timezone);
  const identityHash = deps.keys.hashIdentity(body.applicant.idNumber);
  const borrowerId = body.borrowerId ?? deps.ids.next('b');

  const { borrower: existing, status } = await deps.repos.borrowers.scoringView(
    identityHash,
    partnerId,
    body.borrowerId,
  );
  if (existing && existing.identityHash !== identityHash) {
    throw conflict('borrower_identity_mismatch', 'borrowerId is already registered with another idNumber');
  }
  const hardshipActive = await hasActiveHardship(deps, identityHash, status.hardshipLoanIds, today);

  const { applicant, bureau } = body;
  const input: CreditInput = {
    ageYears: wholeYearsBetween(applicant.birthDate, today),
    employmentStatus: applicant.employment.status,
    monthsInCurrentJob: applicant.employment.monthsInCurrentJob,
    monthlyIncome: applicant.employment.monthlyIncome,
    monthlyDebtPayments: applicant.monthlyDebtPayments,
    activeLoansOtherLenders: bureau.activeLoansOtherLenders,
    inquiriesLast90Days: bureau.inquiriesLast90Days,
    worstDpdLast12Months: bureau.worstDpdLast12Months,
    creditHistoryMonths: bureau.creditHistoryMonths,
    request: body.request,
    overdueExisting: status.overdueLoanIds.length > 0,
    hardshipActive,
    today,
  };
  const decided = decideCredit(input, rules);
  const inputHash = createHash('sha256')
    .update(canonical({ identityHash, modelVersion: rules.scoring.modelVersion, input }))
    .digest('hex');

  const createdAt = now.toISOString();
  const record: ApplicationRecord = {
    applicationId: requestKey ? applicationIdFor(partnerId, requestKey) : deps.ids.next('app'),
    partnerId,
    borrowerId,
    identityHash,
    decision: decided.decision,
    score: decided.score,
    grade: decided.grade,
    reasons: decided.reasonCodes.map((code) => ({ code, text: reason(code, 'en').text })),
    offer: decided.offer,
    modelVersion: rules.scoring.modelVersion,
    inputHash,
    createdAt,
    expiresAt: new Date(now.getTime() + rules.scoring.offerValidityHours * 3_600_000).toISOString(),
  };

  const borrower = await newBorrowerRecord(
    deps.keys,
    { partnerId, borrowerId, ...applicant },
    {
      language,
      timezone: rules.timezone,
      optOut: [],
      consents: { sensitiveData: true, shareWithCollectionAgencies: false },
    },
    createdAt,
  );
  const borrowerWrites = deps.repos.borrowers.upsertItems(borrower, existing);
  const stored = await storeOnce(deps, record, borrowerWrites, requestKey !== undefined, now);
  // Published again when a retry finds the decision stored: at least once, never lost to a crash.
  await deps.events.publish([
    {
      type: 'ApplicationScored',
      at: stored.createdAt,
      detail: {
        applicationId: stored.applicationId,
        partnerId,
        borrowerId: stored.borrowerId,
        decision: stored.decision,
        grade: stored.grade,
        score: stored.score,
        codes: stored.reasons.map((r) => r.code),
        modelVersion: stored.modelVersion,
      },
    },
  ]);
  return toDecision(stored, language);
}

/**
 * The application id of a request the partner sent with an `Idempotency-Key`: the same for every retry,
 * so a retry whose first run stored its decision and then died finds that decision instead of a second one.
 */
export function applicationIdFor(partnerId: string, requestKey: string): string {
  return `app_${createHash('sha256').update(`${partnerId}\n${requestKey}`).digest('hex').slice(0, 28)}`;
}

async function storeOnce(
  deps: ScoringDeps,
  record: ApplicationRecord,
  borrowerWrites: TransactItem[],
  keyed: boolean,
  now: Date,
): Promise<ApplicationRecord> {
  try {
    await deps.repos.applications.put(record, borrowerWrites);
    return record;
  } catch (err) {
    if (!(err instanceof ApplicationExistsError) || !keyed) throw err;
    const first = await deps.repos.applications.get(record.applicationId);
    if (!first || first.partnerId !== record.partnerId) throw err;
    const keyLifetimeMs = deps.rules.api.idempotencyTtlHours * 3_600_000;
    if (now.getTime() - Date.parse(first.createdAt) < keyLifetimeMs) return first;
    // The partner reused a key whose record has long expired: this is a new request.
    return storeOnce(deps, { ...record, applicationId: deps.ids.next('app') }, borrowerWrites, false, now);
  }
}
