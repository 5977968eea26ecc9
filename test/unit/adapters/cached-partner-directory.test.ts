import { describe, expect, it } from 'vitest';
import { InMemoryPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { ManualClock } from '#local/manual-clock.ts';
import { CachedPartnerDirectory } from '#shared/adapters/cached-partner-directory.ts';

const T0 = '2027-01-01T00:00:00.000Z';

/** A directory with one partner, counting the reads the cached view makes of it. */
function setUp(ttlSeconds = 60) {
  const records = InMemoryPartnerDirectory.of([{ partnerId: 'p1', name: 'One Loans', apiKeyId: 'k1' }]);
  const reads = { keys: 0, partners: 0 };
  const counting = {
    findKey: (id: string) => {
      reads.keys += 1;
      return records.findKey(id);
    },
    getPartner: (id: string) => {
      reads.partners += 1;
      return records.getPartner(id);
    },
  };
  const clock = new ManualClock(new Date(T0));
  return { records, reads, clock, directory: new CachedPartnerDirectory(counting, clock, ttlSeconds) };
}

describe('CachedPartnerDirectory', () => {
  it('maps a live key to its partner and reads each key and partner once per cache time', async () => {
    const { directory, reads, clock } = setUp();
    expect(await directory.partnerFor('k1')).toBe('p1');
    expect(await directory.partnerFor('k1')).toBe('p1');
    expect(await directory.nameOf('p1')).toBe('One Loans');
    expect(reads).toEqual({ keys: 1, partners: 1 });
    clock.advance(61_000);
    expect(await directory.partnerFor('k1')).toBe('p1');
    expect(reads).toEqual({ keys: 2, partners: 2 });
  });

  it('refuses a missing or unknown key, and remembers an unknown one for the cache time', async () => {
    const { directory, reads } = setUp();
    expect(await directory.partnerFor(undefined)).toBeUndefined();
    expect(await directory.partnerFor('nobody')).toBeUndefined();
    expect(await directory.partnerFor('nobody')).toBeUndefined();
    expect(reads.keys).toBe(1);
    expect(await directory.nameOf('p-unknown')).toBeUndefined();
  });

  it('refuses a rotated key from its retirement on, even while its entry is cached', async () => {
    const { directory, records, clock } = setUp();
    await records.rotateKey({
      partnerId: 'p1',
      apiKeyId: 'k2',
      at: T0,
      retiresAt: '2027-01-01T00:00:30.000Z',
    });
    expect(await directory.partnerFor('k1')).toBe('p1');
    expect(await directory.partnerFor('k2')).toBe('p1');
    clock.advance(30_000);
    expect(await directory.partnerFor('k1')).toBeUndefined();
    expect(await directory.partnerFor('k2')).toBe('p1');
  });

  it('refuses every key of a disabled partner once the cache time has passed, not before', async () => {
    const { directory, records, clock } = setUp();
    expect(await directory.partnerFor('k1')).toBe('p1');
    await records.disablePartner('p1', T0);
    clock.advance(59_000);
    expect(await directory.partnerFor('k1')).toBe('p1');
    clock.advance(2_000);
    expect(await directory.partnerFor('k1')).toBeUndefined();
  });

  it('reads the directory on every call with a cache time of 0', async () => {
    const { directory, reads } = setUp(0);
    await directory.partnerFor('k1');
    await directory.partnerFor('k1');
    expect(reads).toEqual({ keys: 2, partners: 2 });
  });
});
