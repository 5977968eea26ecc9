import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import { ApplicationExists } from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { standingOf } from '#shared/lending/exposure.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { ApplicationRecord, BorrowerRecord } from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { ApplicationRequest, Decision } from '#shared/schemas/applications.ts';
import { behaviourStanding } from '#shared/scoring/behaviour.ts';
import { applicationIdFor, applicationScored, decideApplication, toDecision } from './decide-application.ts';
import { newBorrowerRecord } from './new-borrower.ts';

export interface ScoringDeps {
  repos: Pick<Stores, 'applications' | 'borrowers' | 'loans'>;
  keys: KeyService;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/**
 * Scoring an application: read the person, decide, store the decision with the borrower (contact data
 * encrypted, the consents the application gives), and publish `ApplicationScored` — again when a retry
 * finds the decision stored: at least once, never lost.
 */
export async function scoreApplication(
  deps: ScoringDeps,
  partnerId: string,
  body: ApplicationRequest,
  language: Language,
  /** The request's `Idempotency-Key`, when the partner sent one. */
  requestKey?: string,
): Promise<Decision> {
  const now = deps.clock.now();
  const identityHash = deps.keys.hashIdentity(body.applicant.idNumber);
  const borrowerId = body.borrowerId ?? deps.ids.next('b');
  const { borrower: existing, status } = await deps.repos.borrowers.scoringView(
    identityHash,
    partnerId,
    body.borrowerId,
  );
  const today = localDateOf(now, deps.rules.timezone);
  const standing = standingOf(status.loans, today, deps.rules);
  const record = decideApplication(
    {
      partnerId,
      body,
      identityHash,
      borrowerId,
      existingBorrower: existing,
      // The identity item alone, judged today: right from 00:00 on D+1, whatever has or has not run.
      overdueExisting: standing.overdueLoanIds.length > 0,
      hardshipActive: standing.hardshipLoanIds.length > 0,
      // The same item: the behaviour score, the credit limit and any suspension need no further read.
      behaviour: behaviourStanding(status, body.applicant.employment.monthlyIncome, today, deps.rules),
      now,
      applicationId: requestKey ? applicationIdFor(partnerId, requestKey) : deps.ids.next('app'),
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
  const stored = await storeOnce(deps, record, borrower, existing, requestKey !== undefined, now);
  await deps.events.publish([applicationScored(stored)]);
  return toDecision(stored, language);
}

/** A keyed retry whose first try stored its decision gets that decision back, not a second one. */
async function storeOnce(
  deps: ScoringDeps,
  record: ApplicationRecord,
  borrower: BorrowerRecord,
  existing: BorrowerRecord | undefined,
  keyed: boolean,
  now: Date,
): Promise<ApplicationRecord> {
  try {
    await deps.repos.applications.saveDecisionWithBorrower(record, borrower, existing);
    return record;
  } catch (err) {
    if (!(err instanceof ApplicationExists) || !keyed) throw err;
    const first = await deps.repos.applications.get(record.applicationId);
    if (!first || first.partnerId !== record.partnerId) throw err;
    const keyLifetimeMs = deps.rules.api.idempotencyTtlHours * 3_600_000;
    if (now.getTime() - Date.parse(first.createdAt) < keyLifetimeMs) return first;
    // The partner reused a key whose record has long expired: this is a new request.
    const fresh = { ...record, applicationId: deps.ids.next('app') };
    return storeOnce(deps, fresh, borrower, existing, false, now);
  }
}
