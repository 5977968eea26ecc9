import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InMemoryIdempotencyRecords } from '#local/in-memory/in-memory-idempotency-records.ts';
import { fixedPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { ApplicationAlreadyBooked, DeferralTooLong } from '#shared/errors/domain-errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { createLogger } from '#shared/observability/logger.ts';

/**
 * `Idempotency-Key` on the partner routes, through the handler chain every route shares, on the in-memory
 * records: what is stored, what is replayed, and what frees the key for a retry.
 */

type Behaviour = () => Promise<APIGatewayProxyResult>;

function route(behaviours: Behaviour[]) {
  const clock = new ManualClock(new Date('2027-06-10T02:00:00Z'));
  const repository = new InMemoryIdempotencyRecords(defaultRules.api.idempotencyInProgressSeconds);
  let calls = 0;
  const handler = apiHandler(
    {
      partners: fixedPartnerDirectory([
        { partnerId: 'p1', name: 'One', apiKeyId: 'key-of-p1-0123456789' },
        { partnerId: 'p2', name: 'Two', apiKeyId: 'key-of-p2-0123456789' },
      ]),
      logger: createLogger({ logLevel: 'SILENT' }),
      maxBodyBytes: 64 * 1024,
      idempotencyStore: { repository, clock, ttlSeconds: 24 * 3600 },
    },
    {
      body: z.strictObject({ amount: z.number() }),
      idempotent: true,
      handler: () => {
        const next = behaviours[Math.min(calls, behaviours.length - 1)] as Behaviour;
        calls++;
        return next();
      },
    },
  );
  const send = async (
    key: string | undefined,
    body: unknown = { amount: 1 },
    apiKey = 'key-of-p1-0123456789',
  ) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== undefined) headers['idempotency-key'] = key;
    const event = {
      httpMethod: 'POST',
      path: '/v1/things',
      headers,
      body: JSON.stringify(body),
      requestContext: { identity: { apiKeyId: apiKey } },
    } as unknown as APIGatewayProxyEvent;
    const res = (await handler(event, {} as Context)) as APIGatewayProxyResult;
    return {
      status: res.statusCode,
      body: JSON.parse(res.body),
      replayed: res.headers?.['idempotent-replayed'],
    };
  };
  return { send, calls: () => calls, repository, clock };
}

const created: Behaviour = async () => ({ statusCode: 201, body: JSON.stringify({ id: 'thing-1' }) });
const crash: Behaviour = async () => {
  throw new Error('the table went away');
};

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer, marked replayed, without running the route again', async () => {
    const r = route([created]);
    expect(await r.send('k1')).toEqual({ status: 201, body: { id: 'thing-1' }, replayed: undefined });
    expect(await r.send('k1')).toEqual({ status: 201, body: { id: 'thing-1' }, replayed: 'true' });
    expect(r.calls()).toBe(1);
  });

  it('frees the key after a 5xx, so the retry runs the route and its answer is the one kept', async () => {
    const r = route([crash, created]);
    expect((await r.send('k1')).status).toBe(500);
    expect(await r.repository.get('p1', 'k1')).toBeUndefined();
    expect(await r.send('k1')).toMatchObject({ status: 201, replayed: undefined });
    expect(await r.send('k1')).toMatchObject({ status: 201, replayed: 'true' });
    expect(r.calls()).toBe(2);
  });

  it('keeps a refusal (409, 422) as the answer: a retry gets it again and the route runs once', async () => {
    for (const [error, status, code] of [
      [new ApplicationAlreadyBooked(), 409, 'application_already_booked'],
      [new DeferralTooLong(30), 422, 'deferral_too_long'],
    ] as const) {
      const r = route([
        async () => {
          throw error;
        },
        created,
      ]);
      const first = await r.send('k1');
      expect(first).toMatchObject({ status, body: { error: code }, replayed: undefined });
      expect(await r.send('k1')).toEqual({ ...first, replayed: 'true' });
      expect(r.calls()).toBe(1);
    }
  });

  it('answers a concurrent duplicate 409 in progress, and replays once the first has answered', async () => {
    let finish: () => void = () => {};
    const slow: Behaviour = () =>
      new Promise((resolve) => {
        finish = () => resolve({ statusCode: 201, body: JSON.stringify({ id: 'thing-1' }) });
      });
    const r = route([slow]);
    const first = r.send('k1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await r.send('k1')).toMatchObject({ status: 409, body: { error: 'idempotency_in_progress' } });
    finish();
    expect((await first).status).toBe(201);
    expect(await r.send('k1')).toMatchObject({ status: 201, replayed: 'true' });
    expect(r.calls()).toBe(1);
  });

  it('lets a request whose first run died be run again once the in-progress lease has passed', async () => {
    const never: Behaviour = () => new Promise(() => {});
    const r = route([never, created]);
    void r.send('k1');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await r.send('k1')).status).toBe(409);
    r.clock.advance((defaultRules.api.idempotencyInProgressSeconds + 1) * 1000);
    expect(await r.send('k1')).toMatchObject({ status: 201, replayed: undefined });
  });

  it('answers the same key with another body 409, and runs nothing', async () => {
    const r = route([created]);
    await r.send('k1', { amount: 1 });
    expect(await r.send('k1', { amount: 2 })).toMatchObject({
      status: 409,
      body: { error: 'idempotency_key_reused' },
    });
    expect(r.calls()).toBe(1);
  });

  it('refuses a malformed key with 400 before running or storing anything', async () => {
    for (const key of ['', 'has space', 'tab\tkey', 'é', 'k'.repeat(256)]) {
      const r = route([created]);
      expect((await r.send(key)).status, JSON.stringify(key)).toBe(400);
      expect(r.calls()).toBe(0);
      expect(await r.repository.get('p1', key)).toBeUndefined();
    }
    const r = route([created]);
    expect((await r.send('k'.repeat(255))).status).toBe(201);
  });

  it('keeps one partner’s keys apart from another’s', async () => {
    const r = route([created]);
    await r.send('k1', { amount: 1 }, 'key-of-p1-0123456789');
    expect(await r.send('k1', { amount: 2 }, 'key-of-p2-0123456789')).toMatchObject({
      status: 201,
      replayed: undefined,
    });
    expect(r.calls()).toBe(2);
  });

  it('runs every request without a key', async () => {
    const r = route([created]);
    await r.send(undefined);
    await r.send(undefined);
    expect(r.calls()).toBe(2);
  });
});
