import type { DomainEvent } from '#shared/schemas/events.ts';
import type { ApplicationRecord, DecisionReview } from './records.ts';

/** One supervisor's answer to a review request, kept 5 years like the desk's other audit records. */
export interface ReviewAuditRecord {
  auditId: string;
  applicationId: string;
  partnerId: string;
  userId: string;
  at: string;
  action: 'review.answer';
  inputs: Record<string, string | number | boolean>;
  reason: string;
}

export interface ReviewPage {
  applications: ApplicationRecord[];
  cursor?: string;
}

/**
 * Reviews of automated declines, kept on the application they review and listed for the desk by status
 * (requested first come, first served). Each write commits its event (and the answer its audit record)
 * in one transaction.
 */
export interface ReviewStore {
  /** Records the request; `ReviewAlreadyRequested` when the application has one already. */
  request(app: ApplicationRecord, review: DecisionReview, event: DomainEvent): Promise<void>;
  /** Records the answer of a requested review; `DeskTaskChanged` when it was answered meanwhile. */
  answer(
    app: ApplicationRecord,
    review: DecisionReview,
    audit: ReviewAuditRecord,
    event: DomainEvent,
  ): Promise<void>;
  list(filter: { status: 'open' | 'closed'; limit: number; cursor?: string }): Promise<ReviewPage>;
  listAudit(applicationId: string): Promise<ReviewAuditRecord[]>;
}
