import { describe, expect, it } from 'vitest';
import { ManualClock } from '#local/manual-clock.ts';
import {
  ApplicationNotFound,
  DecisionNotDeclined,
  NoteCarriesPersonalData,
  ReviewAlreadyRequested,
} from '#shared/errors/domain-errors.ts';
import { requestDecisionReview } from '#shared/origination/request-review.ts';
import type { ApplicationRecord, DecisionReview } from '#shared/ports/records.ts';
import type { ReviewStore } from '#shared/ports/reviews.ts';
import type { ApplicationStore } from '#shared/ports/stores.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';

const NOW = new Date('2027-06-01T02:00:00.000Z');

/** The application fields a review request reads; the rest of the record does not matter to it. */
const application = (applicationId: string, fields: Partial<ApplicationRecord> = {}) =>
  ({ applicationId, partnerId: 'p1', borrowerId: 'u1', decision: 'decline', ...fields }) as ApplicationRecord;

/** The review store's request, kept as given. */
class RecordingReviews implements Pick<ReviewStore, 'request'> {
  readonly requests: { applicationId: string; review: DecisionReview; event: DomainEvent }[] = [];
  async request(app: ApplicationRecord, review: DecisionReview, event: DomainEvent): Promise<void> {
    this.requests.push({ applicationId: app.applicationId, review, event });
  }
}

function setUp(...apps: ApplicationRecord[]) {
  const stored = new Map(apps.map((a) => [a.applicationId, a]));
  const applications = { get: async (id: string) => stored.get(id) } as unknown as ApplicationStore;
  const reviews = new RecordingReviews();
  const deps = {
    repos: { applications },
    reviews: reviews as unknown as ReviewStore,
    clock: new ManualClock(NOW),
  };
  return { deps, reviews };
}

describe('a borrower’s request for a person to review a decline', () => {
  it('is recorded with its grounds and announced to the partner', async () => {
    const { deps, reviews } = setUp(application('app-1'));
    const review = { status: 'requested', requestedAt: NOW.toISOString(), grounds: 'my income has risen' };
    expect(await requestDecisionReview(deps, 'p1', 'app-1', { grounds: 'my income has risen' })).toEqual({
      applicationId: 'app-1',
      review,
    });
    expect(reviews.requests).toEqual([
      {
        applicationId: 'app-1',
        review,
        event: {
          type: 'DecisionReviewRequested',
          at: NOW.toISOString(),
          detail: { applicationId: 'app-1', partnerId: 'p1', borrowerId: 'u1' },
        },
      },
    ]);
  });

  it('is recorded without grounds when none are given', async () => {
    const { deps, reviews } = setUp(application('app-1'));
    const { review } = await requestDecisionReview(deps, 'p1', 'app-1', {});
    expect(review).toStrictEqual({ status: 'requested', requestedAt: NOW.toISOString() });
    expect(reviews.requests[0]?.review).toStrictEqual(review);
  });

  it('is refused when the grounds carry personal data, naming the kind', async () => {
    const { deps, reviews } = setUp(application('app-1'));
    const refused = requestDecisionReview(deps, 'p1', 'app-1', { grounds: 'call me on 13912345678' });
    await expect(refused).rejects.toBeInstanceOf(NoteCarriesPersonalData);
    await expect(refused).rejects.toMatchObject({ issues: [{ path: 'grounds' }] });
    expect(reviews.requests).toEqual([]);
  });

  it('is refused for an application of another partner, or none, as not found', async () => {
    const { deps, reviews } = setUp(application('app-1'));
    await expect(requestDecisionReview(deps, 'p2', 'app-1', {})).rejects.toBeInstanceOf(ApplicationNotFound);
    await expect(requestDecisionReview(deps, 'p1', 'app-none', {})).rejects.toBeInstanceOf(
      ApplicationNotFound,
    );
    expect(reviews.requests).toEqual([]);
  });

  it('is refused for a decision other than a decline', async () => {
    const { deps, reviews } = setUp(application('app-1', { decision: 'refer' }));
    await expect(requestDecisionReview(deps, 'p1', 'app-1', {})).rejects.toBeInstanceOf(DecisionNotDeclined);
    expect(reviews.requests).toEqual([]);
  });

  it('is refused once a review of the decision was requested', async () => {
    const requested = { status: 'requested', requestedAt: '2027-05-30T02:00:00.000Z' } as DecisionReview;
    const { deps, reviews } = setUp(application('app-1', { review: requested }));
    await expect(requestDecisionReview(deps, 'p1', 'app-1', {})).rejects.toBeInstanceOf(
      ReviewAlreadyRequested,
    );
    expect(reviews.requests).toEqual([]);
  });
});
