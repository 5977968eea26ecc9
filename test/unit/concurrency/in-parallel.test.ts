import { describe, expect, it } from 'vitest';
import { inParallel } from '#shared/concurrency/in-parallel.ts';

/** A piece of work that stays in flight until the test lets it go. */
function heldWork() {
  const releases: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const work = (item: number) => {
    started.push(item);
    inFlight++;
    most = Math.max(most, inFlight);
    return new Promise<void>((resolve) =>
      releases.push(() => {
        inFlight--;
        resolve();
      }),
    );
  };
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { work, releaseAll, started, most: () => most };
}

describe('inParallel', () => {
  it('keeps at most the limit in flight and starts every item once, in order', async () => {
    const held = heldWork();
    const done = inParallel([1, 2, 3, 4, 5, 6, 7], 3, held.work);
    await new Promise((r) => setImmediate(r));
    expect(held.started).toEqual([1, 2, 3]);
    await held.releaseAll();
    await done;
    expect(held.started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(held.most()).toBe(3);
  });

  it('runs one at a time under a limit below one, and does nothing for no items', async () => {
    const held = heldWork();
    const done = inParallel([1, 2], 0, held.work);
    await held.releaseAll();
    await done;
    expect(held.most()).toBe(1);
    await expect(inParallel([], 4, held.work)).resolves.toBeUndefined();
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const failing = inParallel([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((r) => setImmediate(r));
      if (item === 2) throw new Error('item 2 failed');
    });
    await expect(failing).rejects.toThrow('item 2 failed');
    await new Promise((r) => setTimeout(r, 10));
    // Items 1 and 2 start together; 3 starts when 1 finishes, and nothing starts once 2 has failed.
    expect(started).toEqual([1, 2, 3]);
  });
});
