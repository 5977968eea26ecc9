import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKeyService } from '#local/local-key-service.ts';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_A } from '../../support/api.ts';

/** A bus that holds every publish until the test opens it, as a slow EventBridge would. */
class HeldBus extends RecordingEventBus {
  private open!: () => void;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  publishCalls = 0;
  override async publish(events: DomainEvent[]): Promise<void> {
    this.publishCalls += 1;
    await this.opened;
    await super.publish(events);
  }
  release(): void {
    this.open();
  }
}

let stack: LocalStack;
const bus = new HeldBus();
beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    partners: [PARTNER_A],
    tableName: `answer-${randomUUID()}`,
    keys: new LocalKeyService(),
    events: bus,
    logger: new Logger({ serviceName: 'duebell-test', logLevel: 'SILENT' }),
  });
});
afterAll(async () => {
  bus.release();
  await stack.stop();
});

describe('the local stack publishes after the answer, as the stream publisher does on AWS', () => {
  it('answers a decision while its event is still on the way, and publishes it on the next drain', async () => {
    const answer = fetch(`${stack.url}/v1/applications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': PARTNER_A.apiKey,
        'idempotency-key': 'held-1',
      },
      body: JSON.stringify(application),
    });
    const within = await Promise.race([
      answer.then(async (res) => ({ status: res.status, body: await res.json() })),
      new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 5_000)),
    ]);
    expect(within).not.toBe('no answer');
    const { status, body } = within as { status: number; body: { applicationId: string } };
    expect(status).toBe(201);
    expect(bus.events).toEqual([]);

    bus.release();
    await stack.drainEvents();
    expect(bus.publishCalls).toBeGreaterThan(0);
    expect(
      bus.events.filter((e) => e.type === 'ApplicationScored').map((e) => e.detail.applicationId),
    ).toEqual([body.applicationId]);
  });
});
