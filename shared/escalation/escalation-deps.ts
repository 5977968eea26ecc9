import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Rules } from '#shared/config/rules.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContactLog, ContactQueue } from '#shared/ports/contact.ts';
import type { EscalationWorkflow } from '#shared/ports/escalation.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { PromiseStore } from '#shared/ports/promises.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { TaskQueue } from '#shared/ports/task-queue.ts';

/** What the escalation's use cases (episode start, rung steps, daily ageing) work with. */
export interface EscalationDeps {
  repos: Pick<Stores, 'loans' | 'borrowers' | 'contacts' | 'tasks' | 'ageing' | 'portfolio'>;
  /** Promises to pay: the ageing job judges those whose date is over. */
  promises: PromiseStore;
  workflow: EscalationWorkflow;
  contactQueue: ContactQueue;
  taskQueue: TaskQueue;
  /** Every task handed to a person is recorded as a contact line (channel agent or legal). */
  log: ContactLog;
  events: EventBus;
  clock: Clock;
  rules: Rules;
  metrics?: Metrics;
}
