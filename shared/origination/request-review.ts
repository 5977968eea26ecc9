import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import {
  ApplicationNotFound,
  DecisionNotDeclined,
  NoteCarriesPersonalData,
  ReviewAlreadyRequested,
} from '#shared/errors/domain-errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DecisionReview } from '#shared/ports/records.ts';
import type { ReviewStore } from '#shared/ports/reviews.ts';
import type { Stores } from '#shared/ports/stores.ts';

export interface ReviewRequestDeps {
  repos: Pick<Stores, 'applications'>;
  reviews: ReviewStore;
  clock: Clock;
}

/**
 * The borrower asks, through the partner app, for a person to review an automated decline (PIPL Art. 24):
 * once per application, only of a decline, with the grounds free of personal data. It waits on the desk
 * for a supervisor; `DecisionReviewRequested` tells the partner's systems it was taken.
 */
export async function requestDecisionReview(
  deps: ReviewRequestDeps,
  partnerId: string,
  applicationId: string,
  input: { grounds?: string },
): Promise<{ applicationId: string; review: DecisionReview }> {
  const found = input.grounds === undefined ? undefined : personalDataIn(input.grounds);
  if (found) throw new NoteCarriesPersonalData('grounds', found);
  const app = await deps.repos.applications.get(applicationId);
  if (!app || app.partnerId !== partnerId) throw new ApplicationNotFound();
  if (app.decision !== 'decline') throw new DecisionNotDeclined(app.decision);
  if (app.review) throw new ReviewAlreadyRequested();
  const at = deps.clock.now().toISOString();
  const review: DecisionReview = {
    status: 'requested',
    requestedAt: at,
    ...(input.grounds === undefined ? {} : { grounds: input.grounds }),
  };
  await deps.reviews.request(app, review, {
    type: 'DecisionReviewRequested',
    at,
    detail: { applicationId, partnerId, borrowerId: app.borrowerId },
  });
  return { applicationId, review };
}
