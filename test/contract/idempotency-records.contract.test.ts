import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import type { IdempotencyRecord } from '#shared/ports/records.ts';
import { secondsAfter } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const t0 = new Date('2027-07-01T00:00:00.000Z');
const t0Seconds = t0.getTime() / 1000;
const ttl = 86_400;
const inProgress = defaultRules.api.idempotencyInProgressSeconds;
const answer = { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };

/** The record's fields the port names (a repository may keep more beside them). */
function portFields(record: IdempotencyRecord | undefined) {
  if (!record) return undefined;
  const { requestHash, status, response, expiresAt } = record;
  return { requestHash, status, response, expiresAt };
}

/**
 * The IdempotencyRecords contract: a key starts once, replays its answer to the same request, refuses
 * another request, and counts as absent once expired or once its request died in progress.
 */
function idempotencyRecordsContract(target: Target): void {
  const stores = useStores(target);
  const records = () => stores().idempotency;

  it('starts a key, holds it while in progress, then replays the completed answer', async () => {
    const key = unique('k');
    expect(await records().begin('p', key, 'hash-a', t0, ttl)).toEqual({ kind: 'started' });
    expect(await records().begin('p', key, 'hash-a', secondsAfter(t0, 5), ttl)).toEqual({
      kind: 'in_progress',
    });
    await records().complete('p', key, answer);
    expect(await records().begin('p', key, 'hash-a', secondsAfter(t0, 10), ttl)).toEqual({
      kind: 'replay',
      response: answer,
    });
  });

  it('refuses another request under the same key, in progress or completed', async () => {
    const key = unique('k');
    await records().begin('p', key, 'hash-a', t0, ttl);
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 1), ttl)).toEqual({ kind: 'mismatch' });
    await records().complete('p', key, answer);
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 2), ttl)).toEqual({ kind: 'mismatch' });
  });

  it('counts a request still in progress after its lease as dead: a retry starts it again', async () => {
    const key = unique('k');
    await records().begin('p', key, 'hash-a', t0, ttl);
    expect(await records().begin('p', key, 'hash-a', secondsAfter(t0, inProgress), ttl)).toEqual({
      kind: 'in_progress',
    });
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, inProgress + 1), ttl)).toEqual({
      kind: 'started',
    });
    expect(portFields(await records().get('p', key))).toEqual({
      requestHash: 'hash-b',
      status: 'in_progress',
      response: undefined,
      expiresAt: t0Seconds + inProgress + 1 + ttl,
    });
  });

  it('forgets a completed key after its time to live', async () => {
    const key = unique('k');
    await records().begin('p', key, 'hash-a', t0, 60);
    await records().complete('p', key, answer);
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 60), 60)).toEqual({ kind: 'mismatch' });
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 61), 60)).toEqual({ kind: 'started' });
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 62), 60)).toEqual({
      kind: 'in_progress',
    });
  });

  it('releases a key in progress so it can start again, and leaves a completed one', async () => {
    const key = unique('k');
    await records().begin('p', key, 'hash-a', t0, ttl);
    await records().release('p', key);
    expect(await records().get('p', key)).toBeUndefined();
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 1), ttl)).toEqual({ kind: 'started' });
    await records().complete('p', key, answer);
    await records().release('p', key);
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 2), ttl)).toEqual({
      kind: 'replay',
      response: answer,
    });
    await expect(records().release('p', unique('never'))).resolves.toBeUndefined();
  });

  it('completes only a key that was begun: an answer for a released key leaves the key free', async () => {
    const key = unique('k');
    await records().begin('p', key, 'hash-a', t0, ttl);
    await records().release('p', key);
    await records().complete('p', key, answer);
    expect(await records().get('p', key)).toBeUndefined();
    expect(await records().begin('p', key, 'hash-b', secondsAfter(t0, 1), ttl)).toEqual({ kind: 'started' });
  });

  it('reads a record as begun and as completed, and nothing for an unknown key', async () => {
    const key = unique('k');
    expect(await records().get('p', key)).toBeUndefined();
    await records().begin('p', key, 'hash-a', t0, ttl);
    expect(portFields(await records().get('p', key))).toEqual({
      requestHash: 'hash-a',
      status: 'in_progress',
      response: undefined,
      expiresAt: t0Seconds + ttl,
    });
    await records().complete('p', key, answer);
    expect(portFields(await records().get('p', key))).toEqual({
      requestHash: 'hash-a',
      status: 'completed',
      response: answer,
      expiresAt: t0Seconds + ttl,
    });
  });

  it('keeps each partner’s keys apart', async () => {
    const key = unique('k');
    await records().begin('p1', key, 'hash-a', t0, ttl);
    await records().complete('p1', key, answer);
    expect(await records().begin('p2', key, 'hash-b', t0, ttl)).toEqual({ kind: 'started' });
    expect(await records().get('p3', key)).toBeUndefined();
  });

  it('hands out copies of the stored answer', async () => {
    const key = unique('k');
    await records().begin('p', key, 'hash-a', t0, ttl);
    const given = structuredClone(answer);
    await records().complete('p', key, given);
    given.headers['content-type'] = 'text/plain';
    const replay = await records().begin('p', key, 'hash-a', secondsAfter(t0, 1), ttl);
    if (replay.kind !== 'replay') throw new Error(`expected a replay, got ${replay.kind}`);
    replay.response.statusCode = 500;
    expect(await records().begin('p', key, 'hash-a', secondsAfter(t0, 2), ttl)).toEqual({
      kind: 'replay',
      response: answer,
    });
  });
}

describe.each(targets)('IdempotencyRecords on $name', (target) => idempotencyRecordsContract(target));
