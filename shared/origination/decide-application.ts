import { createHash } from 'node:crypto';
import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import { BorrowerIdentityMismatch } from '#shared/errors/domain-errors.ts';
import { provinceCodeOf } from '#shared/identity/prc-id.ts';
import { localDateOf, wholeYearsBetween } from '#shared/lending/calendar.ts';
import type { ApplicationRecord, BorrowerRecord } from '#shared/ports/records.ts';
import type { ApplicationRequest, Decision } from '#shared/schemas/applications.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { type CreditInput, decideCredit } from '#shared/scoring/decide.ts';
import type { BehaviourStanding } from '#shared/scoring/gates.ts';
import { reason } from '#shared/scoring/reasons.ts';

/** What scoring knows once it has read the person's records. */
export interface ApplicationFacts {
  partnerId: string;
  body: ApplicationRequest;
  identityHash: string;
  applicationId: string;
  borrowerId: string;
  /** The partner's borrower of that id, when one is stored. */
  existingBorrower?: BorrowerRecord;
  /** Overdue on any loan at any partner. */
  overdueExisting: boolean;
  hardshipActive: boolean;
  /** The person's behaviour standing across partners, absent for a first-time borrower. */
  behaviour?: BehaviourStanding;
  now: Date;
}

/** Canonical JSON (sorted keys) so the same inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Scoring's decision: policy gates, scorecard and a priced offer, as the record to store with its model
 * version, reason codes and a hash of its inputs (personal data hashed first), so it can be replayed.
 */
export function decideApplication(facts: ApplicationFacts, rules: Rules): ApplicationRecord {
  const { body, now, identityHash } = facts;
  if (facts.existingBorrower && facts.existingBorrower.identityHash !== identityHash) {
    throw new BorrowerIdentityMismatch();
  }
  const today = localDateOf(now, rules.timezone);
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
    overdueExisting: facts.overdueExisting,
    hardshipActive: facts.hardshipActive,
    ...(facts.behaviour ? { behaviour: facts.behaviour } : {}),
    today,
  };
  const decided = decideCredit(input, rules);
  const inputHash = createHash('sha256')
    .update(canonicalJson({ identityHash, modelVersion: rules.scoring.modelVersion, input }))
    .digest('hex');
  return {
    applicationId: facts.applicationId,
    partnerId: facts.partnerId,
    borrowerId: facts.borrowerId,
    identityHash,
    provinceCode: provinceCodeOf(body.applicant.idNumber),
    decision: decided.decision,
    score: decided.score,
    grade: decided.grade,
    reasons: decided.reasonCodes.map((code) => ({ code, text: reason(code, 'en').text })),
    offer: decided.offer,
    modelVersion: rules.scoring.modelVersion,
    inputHash,
    monthlyIncome: applicant.employment.monthlyIncome,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + rules.scoring.offerValidityHours * 3_600_000).toISOString(),
  };
}

export function applicationScored(app: ApplicationRecord): DomainEvent {
  return {
    type: 'ApplicationScored',
    at: app.createdAt,
    detail: {
      applicationId: app.applicationId,
      partnerId: app.partnerId,
      borrowerId: app.borrowerId,
      decision: app.decision,
      grade: app.grade,
      score: app.score,
      codes: app.reasons.map((r) => r.code),
      modelVersion: app.modelVersion,
    },
  };
}

/** The decision as the partner sees it, reason texts in the caller's language. */
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
    ...(app.review ? { review: app.review } : {}),
  };
}

/**
 * The application id of a request the partner sent with an `Idempotency-Key`: the same for every retry,
 * so a retry whose first run stored its decision and then died finds that decision instead of a second one.
 */
export function applicationIdFor(partnerId: string, requestKey: string): string {
  return `app_${createHash('sha256').update(`${partnerId}\n${requestKey}`).digest('hex').slice(0, 28)}`;
}
