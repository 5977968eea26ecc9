import { createHash } from 'node:crypto';

/**
 * Domain events on the `duebell` bus. Details carry ids and amounts, never personal data.
 */
export const EVENT_SOURCE = 'duebell';

export type DomainEventType =
  | 'ApplicationScored'
  | 'LoanBooked'
  | 'InstallmentDueSoon'
  | 'InstallmentOverdue'
  | 'PaymentReceived'
  | 'LoanCured'
  | 'EscalationStarted'
  | 'EscalationStepTaken'
  | 'HardshipGranted'
  | 'LoanNonPerforming'
  | 'LoanChargedOff'
  | 'ContactSuppressed'
  | 'AgentTaskCompleted'
  | 'PromiseToPayRecorded'
  | 'DecisionReviewRequested'
  | 'DecisionReviewed'
  // The supervisor's desk actions.
  | 'HardshipReferred'
  | 'LoanRestructured'
  | 'ChargesWaived'
  | 'PromiseToPayKept'
  | 'PromiseToPayBroken'
  // Portfolio risk: signals on loans still current or in grace, and the person's limit across partners.
  | 'EarlyWarningRaised'
  | 'CreditLimitChanged';

export interface DomainEvent {
  type: DomainEventType;
  /** The instant the event happened (the clock's now), ISO 8601. */
  at: string;
  detail: Record<string, string | number | boolean | null | string[]>;
}

/**
 * The event's id, which consumers dedupe on: a digest of its type and detail, so a retried write of the
 * same fact (a sweep redone, a step replayed) names the same event and the outbox keeps it once.
 */
export function eventIdOf(event: Pick<DomainEvent, 'type' | 'detail'>): string {
  // Keys in sorted order: the id depends on the fact, not on the order a detail was built in (a consumer
  // can recompute it from what it received).
  const detail = JSON.stringify(
    Object.fromEntries(Object.entries(event.detail).sort(([a], [b]) => (a < b ? -1 : 1))),
  );
  return `evt-${createHash('sha256').update(event.type).update('\u0000').update(detail).digest('hex').slice(0, 32)}`;
}

/** An event as it leaves Duebell: the domain event with its id. */
export interface PublishedEvent extends DomainEvent {
  id: string;
}
