import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import {
  ApplicationNotFound,
  NoteCarriesPersonalData,
  ReviewNotRequested,
} from '#shared/errors/domain-errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { ApplicationRecord, DecisionReview } from '#shared/ports/records.ts';
import type { ReviewAuditRecord, ReviewStore } from '#shared/ports/reviews.ts';
import type { Stores } from '#shared/ports/stores.ts';

export interface ReviewDeskDeps {
  repos: Pick<Stores, 'applications'>;
  reviews: ReviewStore;
  clock: Clock;
  ids: IdGenerator;
}

/** A decision under review as the desk sees it: what was decided and why, and what the borrower asked. */
export interface ReviewView {
  applicationId: string;
  partnerId: string;
  borrowerId: string;
  decidedAt: string;
  score: number;
  grade: ApplicationRecord['grade'];
  reasons: { code: string }[];
  modelVersion: string;
  review: DecisionReview;
  ageMinutes: number;
}

const viewOf = (app: ApplicationRecord & { review: DecisionReview }, now: Date): ReviewView => ({
  applicationId: app.applicationId,
  partnerId: app.partnerId,
  borrowerId: app.borrowerId,
  decidedAt: app.createdAt,
  score: app.score,
  grade: app.grade,
  reasons: app.reasons.map((r) => ({ code: r.code })),
  modelVersion: app.modelVersion,
  review: app.review,
  ageMinutes: Math.max(0, Math.floor((now.getTime() - Date.parse(app.review.requestedAt)) / 60_000)),
});

const underReview = (app: ApplicationRecord): app is ApplicationRecord & { review: DecisionReview } =>
  app.review !== undefined;

/** Reviews waiting (`open`) or answered (`closed`), oldest request first. */
export async function listReviews(
  deps: ReviewDeskDeps,
  filter: { status: 'open' | 'closed'; limit: number; cursor?: string },
): Promise<{ reviews: ReviewView[]; cursor?: string }> {
  const now = deps.clock.now();
  const page = await deps.reviews.list(filter);
  return {
    reviews: page.applications.filter(underReview).map((a) => viewOf(a, now)),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

/** One review with its audit trail. */
export async function showReview(
  deps: ReviewDeskDeps,
  applicationId: string,
): Promise<ReviewView & { audit: ReviewAuditRecord[] }> {
  const app = await deps.repos.applications.get(applicationId);
  if (!app || !underReview(app)) throw new ApplicationNotFound();
  return { ...viewOf(app, deps.clock.now()), audit: await deps.reviews.listAudit(applicationId) };
}

/**
 * A supervisor answers a requested review: the decline upheld, or overturned (a person found it wrong;
 * the partner, told by `DecisionReviewed`, may send the borrower's application again). The answer is
 * stored with the decision, audited and emitted in one write; the reason carries no personal data.
 */
export async function answerReview(
  deps: ReviewDeskDeps,
  user: OpsUser,
  applicationId: string,
  input: { outcome: 'upheld' | 'overturned'; reason: string },
): Promise<ReviewView> {
  const found = personalDataIn(input.reason);
  if (found) throw new NoteCarriesPersonalData('reason', found);
  const app = await deps.repos.applications.get(applicationId);
  if (!app || !underReview(app)) throw new ApplicationNotFound();
  if (app.review.status !== 'requested') throw new ReviewNotRequested();
  const now = deps.clock.now();
  const at = now.toISOString();
  const review: DecisionReview = {
    ...app.review,
    status: input.outcome,
    answeredAt: at,
    answeredBy: user.userId,
    reason: input.reason,
  };
  await deps.reviews.answer(
    app,
    review,
    {
      auditId: deps.ids.next('aud'),
      applicationId,
      partnerId: app.partnerId,
      userId: user.userId,
      at,
      action: 'review.answer',
      inputs: { applicationId, outcome: input.outcome },
      reason: input.reason,
    },
    {
      type: 'DecisionReviewed',
      at,
      detail: { applicationId, partnerId: app.partnerId, borrowerId: app.borrowerId, outcome: input.outcome },
    },
  );
  return viewOf({ ...app, review }, now);
}
