import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import {
  ApplicationExists,
  IdempotencyKeyInProgress,
  IdempotencyKeyReused,
} from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { standingOf } from '#shared/lending/exposure.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type {
  ApplicationRecord,
  BorrowerRecord,
  IdempotencyRecord,
  KeyedRequest,
  StoredResponse,
} from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { ApplicationRequest, Decision } from '#shared/schemas/applications.ts';
import { behaviourStanding } from '#shared/scoring/behaviour.ts';
import { applicationIdFor, applicationScored, decideApplication, toDecision } from './decide-application.ts';
import { newBorrowerRecord } from './new-borrower.ts';

export interface ScoringDeps {
  repos: Pick<Stores, 'applications'>;
  keys: KeyService;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/** A keyed request, and how the edge answers a decision: that answer is stored with it, for retries. */
export interface ScoringKey extends KeyedRequest {
  answer(decision: Decision): StoredResponse;
}

export type ScoringOutcome =
  | { kind: 'decided'; decision: Decision }
  /** A retry of a keyed request already answered: the stored answer, as it was given. */
  | { kind: 'replayed'; response: StoredResponse };

/**
 * Scoring an application in two round trips: one read (the person, the partner's borrower and any answer
 * under the request's key), then one transaction storing the decision with the borrower (contact data
 * encrypted, the consents the application gives), `ApplicationScored` in the outbox and the keyed answer.
 * A retry finds the answer; a concurrent one loses the transaction and then finds it.
 */
export async function scoreApplication(
  deps: ScoringDeps,
  partnerId: string,
  body: ApplicationRequest,
  language: Language,
  /** The request's `Idempotency-Key`, when the partner sent one. */
  keyed?: ScoringKey,
): Promise<ScoringOutcome> {
  const now = deps.clock.now();
  const identityHash = deps.keys.hashIdentity(body.applicant.idNumber);
  const borrowerId = body.borrowerId ?? deps.ids.next('b');
  const view = await deps.repos.applications.scoringView(
    identityHash,
    partnerId,
    body.borrowerId,
    keyed?.key,
  );
  const replay = keyed && view.answered && replayOf(view.answered, keyed, now);
  if (replay) return replay;
  const today = localDateOf(now, deps.rules.timezone);
  const standing = standingOf(view.status.loans, today, deps.rules);
  const record = decideApplication(
    {
      partnerId,
      body,
      identityHash,
      borrowerId,
      existingBorrower: view.borrower,
      // The identity item alone, judged today: right from 00:00 on D+1, whatever has or has not run.
      overdueExisting: standing.overdueLoanIds.length > 0,
      hardshipActive: standing.hardshipLoanIds.length > 0,
      // The same item: the behaviour score, the credit limit and any suspension need no further read.
      behaviour: behaviourStanding(view.status, body.applicant.employment.monthlyIncome, today, deps.rules),
      now,
      applicationId: keyed ? applicationIdFor(partnerId, keyed.key) : deps.ids.next('app'),
    },
    deps.rules,
  );
  // The consents are the application's own. For a borrower already stored, storing replaces theirs with
  // these (the latest the person gave) and keeps the language, zone and opt-outs already set.
  const borrower = await newBorrowerRecord(
    deps.keys,
    { partnerId, borrowerId, ...body.applicant },
    { language, timezone: deps.rules.timezone, optOut: [], consents: body.consents },
    record.createdAt,
  );
  return storeOnce(deps, { record, borrower, existing: view.borrower, language, keyed, now });
}

interface Decided {
  record: ApplicationRecord;
  borrower: BorrowerRecord;
  existing?: BorrowerRecord;
  language: Language;
  keyed?: ScoringKey;
  now: Date;
  /** Given a new id after its key's decision was found expired: a second clash is not resolved again. */
  renamed?: boolean;
}

async function storeOnce(deps: ScoringDeps, decided: Decided): Promise<ScoringOutcome> {
  const { record, borrower, existing, language, keyed, now } = decided;
  const decision = toDecision(record, language);
  const answer = keyed && {
    partnerId: record.partnerId,
    key: keyed.key,
    requestHash: keyed.requestHash,
    ttlSeconds: keyed.ttlSeconds,
    now,
    response: keyed.answer(decision),
  };
  try {
    await deps.repos.applications.saveDecisionWithBorrower(record, borrower, existing, {
      events: [applicationScored(record)],
      answer,
    });
    return { kind: 'decided', decision };
  } catch (err) {
    if (!(err instanceof ApplicationExists) || !keyed || decided.renamed) throw err;
    // A concurrent request with the key committed first: its answer is this one's.
    const { answered } = await deps.repos.applications.scoringView(
      record.identityHash,
      record.partnerId,
      undefined,
      keyed.key,
    );
    const replay = answered && replayOf(answered, keyed, now);
    if (replay) return replay;
    if (answered && !expired(answered, now)) throw new IdempotencyKeyInProgress();
    // The key is free and its decision stored: the partner reused a key whose answer has expired, and
    // this is a new request. Never another partner's decision under a colliding id, though.
    const first = await deps.repos.applications.get(record.applicationId);
    if (!first || first.partnerId !== record.partnerId) throw err;
    const renamed = { ...record, applicationId: deps.ids.next('app') };
    return storeOnce(deps, { ...decided, record: renamed, renamed: true });
  }
}

/** The stored answer a keyed retry gets, when the key still holds one; refused for another request. */
function replayOf(answered: IdempotencyRecord, keyed: KeyedRequest, now: Date): ScoringOutcome | undefined {
  if (expired(answered, now)) return undefined;
  if (answered.requestHash !== keyed.requestHash) throw new IdempotencyKeyReused();
  if (answered.status !== 'completed' || !answered.response) return undefined;
  return { kind: 'replayed', response: answered.response };
}

/** Past its last second, as the store's condition judges it (the key is free from then on). */
const expired = (record: IdempotencyRecord, now: Date) => record.expiresAt < Math.floor(now.getTime() / 1000);
