import { describe, expect, it } from 'vitest';
import { SliceLeaseLost } from '#shared/errors/domain-errors.ts';
import type { SliceCounts } from '#shared/ports/records.ts';
import { secondsAfter } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const LEASE = 75;
const T0 = new Date('2031-05-10T01:00:00.000Z');
const NO_COUNTS: SliceCounts = { pages: 0, installments: 0, jobs: 0, readUnits: 0 };
const counts = (pages: number): SliceCounts => ({
  pages,
  installments: pages * 10,
  jobs: pages * 4,
  readUnits: 0,
});

/**
 * The SweepSliceStore contract: one holder at a time under a lease, a checkpoint only its holder may
 * move, a slice taken over from its checkpoint once the lease has run out, a finished slice done for
 * good; and a cursor that only moves forward. Each test has a slice (and business date) of its own.
 */
function sweepSliceStoreContract(target: Target): void {
  const stores = useStores(target);
  const slices = () => stores().sweepSlices;

  it('starts a new slice with no checkpoint and nothing counted', async () => {
    const date = '2031-05-10';
    expect(await slices().begin(date, unique('slice'), 'a', T0, LEASE)).toEqual({
      kind: 'started',
      counts: NO_COUNTS,
    });
  });

  it('answers busy, with the lease, to a second begin while the holder’s lease lives', async () => {
    const date = '2031-05-11';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    const leaseUntil = secondsAfter(T0, LEASE);
    const busy = await slices().begin(date, id, 'b', secondsAfter(T0, 10), LEASE);
    expect(busy.kind).toBe('busy');
    expect(busy.kind === 'busy' && new Date(busy.leaseUntil).getTime()).toBe(leaseUntil.getTime());
    // Up to the last instant of the lease, for any owner, the holder's included.
    expect((await slices().begin(date, id, 'a', leaseUntil, LEASE)).kind).toBe('busy');
  });

  it('keeps the lease a checkpoint renewed: busy until then, though the first lease ran out', async () => {
    const date = '2031-05-12';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    await slices().checkpoint(date, id, 'a', 'k1', counts(1), secondsAfter(T0, 2 * LEASE));
    expect((await slices().begin(date, id, 'b', secondsAfter(T0, LEASE + 5), LEASE)).kind).toBe('busy');
  });

  it('hands a slice whose lease ran out to the next begin, with the stored checkpoint and counts', async () => {
    const date = '2031-05-13';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    const renewed = secondsAfter(T0, 30 + LEASE);
    await slices().checkpoint(date, id, 'a', 'k1', counts(1), secondsAfter(T0, 10 + LEASE));
    await slices().checkpoint(date, id, 'a', 'k2', counts(2), renewed);
    const takeover = await slices().begin(date, id, 'b', new Date(renewed.getTime() + 1), LEASE);
    expect(takeover).toEqual({ kind: 'started', checkpoint: 'k2', counts: counts(2) });
    // The new holder's lease is its own: a third begin meanwhile is busy.
    expect((await slices().begin(date, id, 'c', secondsAfter(renewed, 10), LEASE)).kind).toBe('busy');
  });

  it('lets the next begin take over at once from a checkpoint that gave the lease up', async () => {
    const date = '2031-05-14';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    await slices().checkpoint(date, id, 'a', 'k3', counts(3), new Date(0));
    expect(await slices().begin(date, id, 'b', secondsAfter(T0, 1), LEASE)).toEqual({
      kind: 'started',
      checkpoint: 'k3',
      counts: counts(3),
    });
  });

  it('drops the checkpoint when a checkpoint names no next page', async () => {
    const date = '2031-05-15';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    await slices().checkpoint(date, id, 'a', 'k1', counts(1), secondsAfter(T0, LEASE));
    await slices().checkpoint(date, id, 'a', undefined, counts(2), secondsAfter(T0, LEASE));
    expect(await slices().begin(date, id, 'b', secondsAfter(T0, LEASE + 1), LEASE)).toEqual({
      kind: 'started',
      counts: counts(2),
    });
  });

  it('refuses with SliceLeaseLost a checkpoint by anyone but the holder, and keeps the holder’s', async () => {
    const date = '2031-05-16';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    await slices().checkpoint(date, id, 'a', 'k1', counts(1), secondsAfter(T0, LEASE));
    await expect(
      slices().checkpoint(date, id, 'b', 'kx', counts(9), secondsAfter(T0, 10 * LEASE)),
    ).rejects.toBeInstanceOf(SliceLeaseLost);
    await expect(slices().complete(date, id, 'b', counts(9))).rejects.toBeInstanceOf(SliceLeaseLost);
    expect(await slices().begin(date, id, 'c', secondsAfter(T0, LEASE + 1), LEASE)).toEqual({
      kind: 'started',
      checkpoint: 'k1',
      counts: counts(1),
    });
  });

  it('refuses with SliceLeaseLost a checkpoint by a holder whose slice was taken over', async () => {
    const date = '2031-05-17';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    await slices().begin(date, id, 'b', secondsAfter(T0, LEASE + 1), LEASE);
    await expect(
      slices().checkpoint(date, id, 'a', 'k1', counts(1), secondsAfter(T0, 3 * LEASE)),
    ).rejects.toBeInstanceOf(SliceLeaseLost);
    await expect(slices().complete(date, id, 'a', counts(1))).rejects.toBeInstanceOf(SliceLeaseLost);
    await slices().checkpoint(date, id, 'b', 'k1', counts(1), secondsAfter(T0, 3 * LEASE));
  });

  it('refuses with SliceLeaseLost a checkpoint of a slice never begun', async () => {
    await expect(
      slices().checkpoint('2031-05-18', unique('slice'), 'a', 'k1', counts(1), T0),
    ).rejects.toBeInstanceOf(SliceLeaseLost);
  });

  it('answers done, with the final counts, to every begin after complete, however late', async () => {
    const date = '2031-05-19';
    const id = unique('slice');
    await slices().begin(date, id, 'a', T0, LEASE);
    await slices().checkpoint(date, id, 'a', 'k1', counts(1), secondsAfter(T0, LEASE));
    await slices().complete(date, id, 'a', counts(2));
    for (const [owner, at] of [
      ['a', secondsAfter(T0, 1)],
      ['b', secondsAfter(T0, LEASE + 1)],
      ['c', secondsAfter(T0, 30 * 86_400)],
    ] as const) {
      expect(await slices().begin(date, id, owner, at, LEASE)).toEqual({ kind: 'done', counts: counts(2) });
    }
    // Done is final: even its last holder can no longer move it.
    await expect(
      slices().checkpoint(date, id, 'a', 'k2', counts(3), secondsAfter(T0, LEASE)),
    ).rejects.toBeInstanceOf(SliceLeaseLost);
  });

  it('keeps slices of different dates and ids apart', async () => {
    const id = unique('slice');
    await slices().begin('2031-05-20', id, 'a', T0, LEASE);
    await slices().complete('2031-05-20', id, 'a', counts(1));
    expect((await slices().begin('2031-05-21', id, 'b', T0, LEASE)).kind).toBe('started');
    expect((await slices().begin('2031-05-20', unique('slice'), 'b', T0, LEASE)).kind).toBe('started');
  });

  it('has no cursor at first, moves it forward, and never back', async () => {
    expect(await slices().lastSweptDate()).toBeUndefined();
    await slices().advanceCursor('2031-06-10');
    expect(await slices().lastSweptDate()).toBe('2031-06-10');
    await slices().advanceCursor('2031-06-12');
    expect(await slices().lastSweptDate()).toBe('2031-06-12');
    await slices().advanceCursor('2031-06-11');
    expect(await slices().lastSweptDate()).toBe('2031-06-12');
    await slices().advanceCursor('2031-06-12');
    expect(await slices().lastSweptDate()).toBe('2031-06-12');
  });
}

describe.each(targets)('SweepSliceStore on $name', (target) => sweepSliceStoreContract(target));
