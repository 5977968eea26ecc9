import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { recordBy, type Unit } from '#shared/observability/metrics.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';

/** Recoveries are payments on loans that were at least this many days past due (domain-rules, portfolio risk). */
export const RECOVERY_FROM_DAYS_PAST_DUE = 30;

interface Point {
  name: string;
  unit: Unit;
  dimensions: Record<string, string>;
  value: number;
}

/**
 * The business metrics that the domain events already say, counted where every function publishes them:
 * `DomainEvents` by `type` (applications scored, loans booked, escalations started, cures, non-performing,
 * charge-offs, hardship grants, suppressions …), `EscalationRungsTaken` by `rung`, `EarlyWarnings` by
 * signal `code`, and the amounts of
 * payments (`PaymentAmount`) and recoveries (`RecoveredAmount`) in fen. Dimensions are event types, rung
 * ids, signal codes and nothing else: never an id or personal data. One EMF line per metric and dimension per publish,
 * written only after the events are out (events are at least once, so a retried step may count twice).
 */
export class MeteredEventBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly metrics: Metrics,
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    await this.inner.publish(events);
    const points = new Map<string, Point>();
    const add = (name: string, unit: Unit, dimensions: Record<string, string>, value: number) => {
      const key = `${name}|${JSON.stringify(dimensions)}`;
      const point = points.get(key) ?? { name, unit, dimensions, value: 0 };
      point.value += value;
      points.set(key, point);
    };
    for (const event of events) {
      add('DomainEvents', MetricUnit.Count, { type: event.type }, 1);
      if (event.type === 'EscalationStarted' || event.type === 'EscalationStepTaken')
        add('EscalationRungsTaken', MetricUnit.Count, { rung: String(event.detail.rung) }, 1);
      if (event.type === 'PaymentReceived') {
        const amount = Number(event.detail.amount) || 0;
        add('PaymentAmount', MetricUnit.NoUnit, {}, amount);
        if (Number(event.detail.daysPastDueBefore) >= RECOVERY_FROM_DAYS_PAST_DUE)
          add('RecoveredAmount', MetricUnit.NoUnit, {}, amount);
      }
      if (event.type === 'EarlyWarningRaised')
        add('EarlyWarnings', MetricUnit.Count, { code: String(event.detail.code) }, 1);
    }
    for (const p of points.values()) recordBy(this.metrics, p.name, p.unit, p.value, p.dimensions);
  }
}
