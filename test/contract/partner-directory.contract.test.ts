import { describe, expect, it } from 'vitest';
import { PartnerChangeRefused } from '#shared/errors/partner-errors.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const T0 = '2031-03-01T00:00:00.000Z';
const T1 = '2031-03-02T00:00:00.000Z';
const GRACE_END = '2031-03-03T00:00:00.000Z';

/** The partner directory contract: partners and keys added, rotated and disabled, read back by key. */
function partnerDirectoryContract(target: Target): void {
  const stores = useStores(target);
  const added = async () => {
    const partnerId = unique('p');
    const apiKeyId = unique('key');
    await stores().partners.addPartner({ partnerId, name: `Lender ${partnerId}`, apiKeyId, at: T0 });
    return { partnerId, apiKeyId };
  };

  it('adds a partner with its first key, found by that key', async () => {
    const { partnerId, apiKeyId } = await added();
    expect(await stores().partners.findKey(apiKeyId)).toEqual({ partnerId, createdAt: T0 });
    expect(await stores().partners.getPartner(partnerId)).toEqual({
      partnerId,
      name: `Lender ${partnerId}`,
      status: 'active',
      createdAt: T0,
      keys: [{ apiKeyId, createdAt: T0 }],
    });
    expect(await stores().partners.findKey(unique('key'))).toBeUndefined();
  });

  it('adds the same partner again as a no-op, and refuses another under its id or its key', async () => {
    const { partnerId, apiKeyId } = await added();
    const again = { partnerId, name: `Lender ${partnerId}`, apiKeyId, at: T1 };
    expect((await stores().partners.addPartner(again)).createdAt).toBe(T0);
    await expect(stores().partners.addPartner({ ...again, name: 'Other' })).rejects.toBeInstanceOf(
      PartnerChangeRefused,
    );
    await expect(
      stores().partners.addPartner({ partnerId: unique('p'), name: 'Thief', apiKeyId, at: T1 }),
    ).rejects.toBeInstanceOf(PartnerChangeRefused);
    expect(await stores().partners.findKey(apiKeyId)).toEqual({ partnerId, createdAt: T0 });
  });

  it('rotates: the new key is found at once, the old one carries its retirement; a retry changes nothing', async () => {
    const { partnerId, apiKeyId } = await added();
    const next = unique('key');
    const rotation = { partnerId, apiKeyId: next, at: T1, retiresAt: GRACE_END };
    const rotated = await stores().partners.rotateKey(rotation);
    expect(rotated.keys).toEqual([
      { apiKeyId, createdAt: T0, retiresAt: GRACE_END },
      { apiKeyId: next, createdAt: T1 },
    ]);
    expect(await stores().partners.findKey(next)).toEqual({ partnerId, createdAt: T1 });
    expect(await stores().partners.findKey(apiKeyId)).toEqual({
      partnerId,
      createdAt: T0,
      retiresAt: GRACE_END,
    });
    expect(await stores().partners.rotateKey(rotation)).toEqual(rotated);
    expect(await stores().partners.getPartner(partnerId)).toEqual(rotated);
  });

  it('keeps an earlier retirement when a key is rotated again within its grace', async () => {
    const { partnerId, apiKeyId } = await added();
    const second = unique('key');
    await stores().partners.rotateKey({ partnerId, apiKeyId: second, at: T1, retiresAt: GRACE_END });
    const later = '2031-03-09T00:00:00.000Z';
    await stores().partners.rotateKey({
      partnerId,
      apiKeyId: unique('key'),
      at: GRACE_END,
      retiresAt: later,
    });
    expect((await stores().partners.findKey(apiKeyId))?.retiresAt).toBe(GRACE_END);
    expect((await stores().partners.findKey(second))?.retiresAt).toBe(later);
  });

  it('disables a partner once; a disabled partner cannot be rotated; unknown partners are refused', async () => {
    const { partnerId } = await added();
    const disabled = await stores().partners.disablePartner(partnerId, T1);
    expect(disabled).toMatchObject({ status: 'disabled', disabledAt: T1 });
    expect(await stores().partners.disablePartner(partnerId, GRACE_END)).toEqual(disabled);
    await expect(
      stores().partners.rotateKey({ partnerId, apiKeyId: unique('key'), at: T1, retiresAt: GRACE_END }),
    ).rejects.toBeInstanceOf(PartnerChangeRefused);
    await expect(stores().partners.disablePartner(unique('p'), T1)).rejects.toBeInstanceOf(
      PartnerChangeRefused,
    );
  });

  it('lists every partner by id', async () => {
    const mine = [await added(), await added(), await added()];
    const listed = (await stores().partners.listPartners()).map((p) => p.partnerId);
    const positions = mine.map((m) => listed.indexOf(m.partnerId));
    expect(positions.every((i) => i >= 0)).toBe(true);
    expect(listed).toEqual([...listed].sort());
  });
}

for (const target of targets)
  describe(`PartnerDirectory (${target.name})`, () => partnerDirectoryContract(target));
