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
  | 'ContactSuppressed';

export interface DomainEvent {
  type: DomainEventType;
  /** The instant the event happened (the clock's now), ISO 8601. */
  at: string;
  detail: Record<string, string | number | boolean | null | string[]>;
}
