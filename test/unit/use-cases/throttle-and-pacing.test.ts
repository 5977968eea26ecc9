import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  createSendContactHandler,
  throttleDelaySeconds,
} from '#functions/send-contact/send-contact-handler.ts';
import { plainContext } from '#local/api-gateway-server.ts';
import { LocalQueue, localSqsClient } from '#local/local-sqs.ts';
import { intervalPacer } from '#shared/adapters/interval-pacer.ts';
import { createLogger } from '#shared/observability/logger.ts';
import { isCarrierThrottle } from '#shared/reminders/send-contact.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import { addBorrower, addLoan, harness, nineAm } from './harness.ts';

const DUE = '2027-06-10';

class Throttled extends Error {
  override name = 'Throttling';
}

/** The D0 jobs of one borrower, on a local queue, and the real sender handler over it. */
async function world() {
  const h = harness(nineAm(DUE));
  const u1 = await addBorrower(h, { borrowerId: 'u1', phone: '+8613700000001', email: 'a@example.com' });
  await addLoan(h, 'L1', u1);
  await sweepReminders(h, DUE);
  const queue = new LocalQueue('local://jobs', () => h.clock.now(), {
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 3,
  });
  for (const job of h.queue.jobs) queue.send(JSON.stringify(job));
  const handler = createSendContactHandler({
    ...h,
    log: h.log,
    sqs: localSqsClient([queue]),
    queueUrl: queue.url,
    logger: createLogger({ logLevel: 'SILENT' }),
  });
  /** One delivery of everything visible now, deleting what the handler did not report failed. */
  const deliver = async () => {
    const batch = queue.receive(h.clock.now().getTime(), 10);
    const event = {
      Records: batch.map((m) => ({ messageId: m.messageId, receiptHandle: m.receiptHandle, body: m.body })),
    } as SQSEvent;
    const answer = await handler(event, plainContext);
    const failed = new Set(answer.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of batch) if (!failed.has(m.messageId)) queue.delete(m.receiptHandle);
    return batch.length;
  };
  return { h, queue, deliver };
}

describe('a carrier that throttles', () => {
  it('puts the job back delayed, acknowledges the delivery, and sends it once the storm has passed', async () => {
    const { h, queue, deliver } = await world();
    const jobs = queue.depth;
    // A storm longer than maxReceiveCount deliveries: every send throttled for 10 rounds.
    for (let round = 0; round < 10; round++) {
      h.sender.failNext(new Throttled('slow down'));
      h.sender.failNext(new Throttled('slow down'));
      const next = queue.nextVisibleAt();
      if (next !== undefined && next > h.clock.now().getTime()) h.clock.set(new Date(next));
      await deliver();
    }
    expect(queue.deadLetters).toEqual([]);
    expect(h.sender.sent).toEqual([]);
    for (let next = queue.nextVisibleAt(); next !== undefined; next = queue.nextVisibleAt()) {
      if (next > h.clock.now().getTime()) h.clock.set(new Date(next));
      await deliver();
    }
    expect(h.sender.sent).toHaveLength(jobs);
    expect(queue.deadLetters).toEqual([]);
    // No claim is left failed or held: every contact of the day is recorded sent.
    const entries = await h.repos.contacts.listForLoan('L1');
    expect(entries.map((e) => e.status)).toEqual(entries.map(() => 'sent'));
  });

  it('waits 30 s after the first throttle, doubling to at most 15 minutes, with jitter', () => {
    expect(throttleDelaySeconds(0, () => 0.5)).toBe(30);
    expect(throttleDelaySeconds(1, () => 0.5)).toBe(60);
    expect(throttleDelaySeconds(10, () => 0.5)).toBe(900);
    expect(throttleDelaySeconds(10, () => 1)).toBe(900);
    expect(throttleDelaySeconds(0, () => 0)).toBe(23);
  });
});

describe('isCarrierThrottle', () => {
  it("knows the carriers' slow-down errors by name, and nothing else (not even a thrown non-error)", () => {
    for (const name of [
      'Throttling',
      'ThrottlingException',
      'TooManyRequestsException',
      'CarrierThrottled',
    ]) {
      expect(isCarrierThrottle(Object.assign(new Error('slow down'), { name }))).toBe(true);
    }
    expect(isCarrierThrottle(new Error('Throttling'))).toBe(false); // the message is not the name
    for (const thrown of [undefined, null, 'Throttling', 42]) expect(isCarrierThrottle(thrown)).toBe(false);
  });
});

describe('intervalPacer', () => {
  it('spaces sends on a channel 1/rate apart and leaves the other channel alone', async () => {
    let now = 0;
    const waits: number[] = [];
    const pace = intervalPacer({ sms: 4, email: 1 }, () => now);
    // Sends at time 0: the first goes at once, the next at 250 ms, 500 ms … (the waits they are told).
    const started = Date.now();
    await pace('sms');
    waits.push(Date.now() - started);
    now = 1000; // a second later nothing is owed
    const t = Date.now();
    await pace('sms');
    await pace('email');
    waits.push(Date.now() - t);
    expect(waits.every((w) => w < 100)).toBe(true);
    now = 1000;
    const t2 = Date.now();
    await pace('sms'); // 250 ms after the last sms at 1000
    expect(Date.now() - t2).toBeGreaterThanOrEqual(200);
  });
});
