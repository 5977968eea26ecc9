import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutboxPublisherHandler } from '#functions/outbox-publisher/outbox-publisher-handler.ts';
import { plainContext } from '#local/api-gateway-server.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { OutboxStream } from '#local/outbox-stream.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import { createLogger } from '#shared/observability/logger.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import { type DomainEvent, eventIdOf, type PublishedEvent } from '#shared/schemas/events.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import { type BookLoanInput, planBooking } from '#shared/servicing/decide-booking.ts';
import { decidePayment } from '#shared/servicing/decide-payment.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { OutboxEventBus, outboxEventsOf } from '#shared/storage/outbox.ts';
import { createRepositories } from '#shared/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

const BOOKED_AT = new Date('2027-05-10T02:00:00.000Z');
const rules = defaultRules;

/** The bus (EventBridge): throws on the calls named (1 is the first), records the rest. */
class FlakyBus implements EventBus {
  readonly recorded = new RecordingEventBus();
  calls = 0;
  constructor(private readonly failOnCalls: readonly number[] = []) {}
  async publish(events: DomainEvent[]): Promise<void> {
    this.calls += 1;
    if (this.failOnCalls.includes(this.calls))
      throw Object.assign(new Error('PutEvents failed'), { name: 'InternalException' });
    await this.recorded.publish(events);
  }
  get events(): PublishedEvent[] {
    return this.recorded.events as PublishedEvent[];
  }
}

const tables: TestTable[] = [];
afterEach(async () => {
  for (const table of tables.splice(0)) await table.drop();
});

/**
 * A fresh table with its stream read as Lambda's event source mapping would, into the publisher handler
 * and on to `bus`; every answer the handler gave, with the records it was given.
 */
async function world(failOnCalls: readonly number[] = []) {
  const table = await createTestTable({ stream: true });
  tables.push(table);
  const bus = new FlakyBus(failOnCalls);
  const publisher = createOutboxPublisherHandler({
    bus,
    logger: createLogger({ serviceName: 'duebell-test', logLevel: 'SILENT' }),
  });
  const calls: { event: DynamoDBStreamEvent; answer: DynamoDBBatchResponse }[] = [];
  const stream = new OutboxStream(table.client, table.tableName, async (event) => {
    const answer = await publisher(event, plainContext);
    calls.push({ event, answer });
    return answer;
  });
  const close = table.drop;
  table.drop = async () => {
    stream.close();
    await close();
  };
  return {
    bus,
    calls,
    stream,
    repos: createRepositories(table.client, table.tableName, rules),
    outbox: new OutboxEventBus(documentClient(table.client), table.tableName),
    clock: new ManualClock(new Date('2027-06-12T02:00:00.000Z')),
    rules,
  };
}

const loanInput = (loanId: string): BookLoanInput => ({
  loanId,
  partnerId: 'p1',
  borrowerId: 'u1',
  identityHash: 'id-u1',
  terms: {
    principal: 100_000,
    aprBps: 1800,
    termMonths: 1,
    repaymentMethod: 'bullet',
    disbursedOn: '2027-05-10',
  },
});

const published = (event: DomainEvent): PublishedEvent => ({ id: eventIdOf(event), ...event });

/** `n` distinct events, as a sweep page would publish them. */
const dueSoon = (n: number, at = '2027-06-09T01:00:00.000Z'): DomainEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'InstallmentDueSoon',
    at,
    detail: {
      loanId: `L${i}`,
      installmentNo: 1,
      dueDate: '2027-06-10',
      stage: 'D-1',
      amountOutstanding: 100,
    },
  }));

const ids = (events: readonly PublishedEvent[]) => events.map((e) => e.id).sort();

describe('the event outbox', () => {
  it("puts a booking's and a payment's events on the bus only once the stream is drained, each once with its id", async () => {
    const w = await world();
    await bookLoan(w, loanInput('L1'), BOOKED_AT);
    expect(w.bus.events).toEqual([]);
    await w.stream.drain();
    const booked = planBooking(loanInput('L1'), BOOKED_AT, rules).event;
    expect(w.bus.events).toEqual([published(booked)]);

    // The payment's events as the use case decides them, to compare with what the bus receives.
    const request = { paymentId: 'pay-1', amount: 40_000, paidAt: '2027-06-12T01:00:00.000Z' };
    const before = await w.repos.loans.getLoanWithInstallments('L1');
    if (!before) throw new Error('L1 was not booked');
    const decided = decidePayment(before, undefined, request, w.clock.now(), rules);
    if (decided.kind !== 'apply') throw new Error('expected a payment to apply');
    await applyPayment(w, 'p1', 'L1', request);
    expect(w.bus.events).toHaveLength(1);
    await w.stream.drain();
    expect(w.bus.events).toEqual([published(booked), ...decided.events.map(published)]);
    // A part payment of an installment already due also raises its early warning, in the same write.
    expect(w.bus.events.map((e) => e.type)).toEqual(['LoanBooked', 'PaymentReceived', 'EarlyWarningRaised']);
    expect(new Set(ids(w.bus.events)).size).toBe(3);

    // Drained again: nothing goes out twice.
    await w.stream.drain();
    expect(w.bus.events).toHaveLength(3);
  });

  it('lets callers that arrive together share one drain, and one arriving during a drain wait for the next', async () => {
    const w = await world();
    const drains = vi.spyOn(
      OutboxStream.prototype as unknown as { drainOnce(): Promise<number> },
      'drainOnce',
    );
    const [first, ...rest] = dueSoon(11);
    await w.outbox.publish(rest);
    // Ten requests of the local API answered at once: one drain delivers for all of them.
    const together = await Promise.all(Array.from({ length: 10 }, () => w.stream.drain()));
    expect(drains).toHaveBeenCalledTimes(1);
    expect(together).toEqual(Array(10).fill(10));
    // Written while a drain runs: the caller's own drain starts after that one and delivers it.
    await w.outbox.publish(dueSoon(1, '2027-06-09T02:00:00.000Z'));
    const running = w.stream.drain();
    await w.outbox.publish([first as DomainEvent]);
    await Promise.all([running, w.stream.drain()]);
    expect(w.bus.events.map((e) => e.detail.loanId)).toContain((first as DomainEvent).detail.loanId);
    expect(drains).toHaveBeenCalledTimes(3);
    drains.mockRestore();
  });

  it('publishes once an event written twice, in one call or two, or again later by a retry', async () => {
    const w = await world();
    const [event] = dueSoon(1) as [DomainEvent];
    await w.outbox.publish([event]);
    await w.outbox.publish([event]);
    await w.outbox.publish([event, event]);
    // A retried sweep an hour later states the same fact: same id, and still not a new event.
    await w.outbox.publish([{ ...event, at: '2027-06-09T02:00:00.000Z' }]);
    await w.stream.drain();
    await w.stream.drain();
    expect(w.bus.events).toEqual([published(event)]);
  });

  it('reports the batch failed when the bus refuses, and publishes it at the next drain: nothing lost, nothing twice', async () => {
    const w = await world([1]);
    const events = dueSoon(3);
    await w.outbox.publish(events);
    await w.stream.drain();
    expect(w.bus.events).toEqual([]);
    const [failed] = w.calls;
    const firstRecord = outboxEventsOf(failed?.event.Records ?? [])[0]?.record;
    expect(failed?.answer).toEqual({
      batchItemFailures: [{ itemIdentifier: firstRecord?.dynamodb?.SequenceNumber }],
    });

    await w.stream.drain();
    expect(ids(w.bus.events)).toEqual(ids(events.map(published)));
    expect(w.calls.at(-1)?.answer).toEqual({ batchItemFailures: [] });
    await w.stream.drain();
    expect(ids(w.bus.events)).toEqual(ids(events.map(published)));
  });

  it('retries from the chunk the bus refused, not from the start of the batch', async () => {
    // PutEvents takes ten a call: the first ten go out, the second call fails.
    const w = await world([2]);
    const events = dueSoon(15);
    await w.outbox.publish(events);
    await w.stream.drain();
    expect(w.bus.events).toHaveLength(10);
    const [failed] = w.calls;
    const eleventh = outboxEventsOf(failed?.event.Records ?? [])[10]?.record;
    expect(failed?.answer.batchItemFailures).toEqual([
      { itemIdentifier: eleventh?.dynamodb?.SequenceNumber },
    ]);

    await w.stream.drain();
    await w.stream.drain();
    expect(w.bus.events).toHaveLength(15);
    expect(ids(w.bus.events)).toEqual(ids(events.map(published)));
  });

  it('publishes nothing for a loan write that fails its version check', async () => {
    const w = await world();
    await bookLoan(w, loanInput('L2'), BOOKED_AT);
    const stale = await w.repos.loans.getLoanWithInstallments('L2');
    if (!stale) throw new Error('L2 was not booked');
    // A payment decided on the loan as it was read, written after another payment moved it on.
    const late = decidePayment(
      stale,
      undefined,
      { paymentId: 'pay-late', amount: 10_000, paidAt: '2027-06-12T01:00:00.000Z' },
      w.clock.now(),
      rules,
    );
    if (late.kind !== 'apply') throw new Error('expected a payment to apply');
    await applyPayment(w, 'p1', 'L2', {
      paymentId: 'pay-first',
      amount: 20_000,
      paidAt: '2027-06-12T00:30:00.000Z',
    });
    await expect(
      w.repos.loans.applyPayment(late.payment, late.loan, late.expectedVersion, late.changed, {
        exposure: late.exposure,
        events: late.events,
      }),
    ).rejects.toBeInstanceOf(LoanVersionConflict);
    await expect(
      w.repos.loans.saveInstallments(late.loan, late.expectedVersion, late.changed, {
        events: [{ type: 'LoanCured', at: w.clock.now().toISOString(), detail: { loanId: 'L2' } }],
      }),
    ).rejects.toBeInstanceOf(LoanVersionConflict);

    await w.stream.drain();
    expect(w.bus.events.map((e) => [e.type, e.detail.paymentId ?? null])).toEqual([
      ['LoanBooked', null],
      ['PaymentReceived', 'pay-first'],
      // The first payment's part-payment signal; the stale write's would have been a second one.
      ['EarlyWarningRaised', null],
    ]);
  });
});
