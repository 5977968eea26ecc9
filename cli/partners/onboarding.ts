import { PartnerChangeRefused } from '#shared/errors/partner-errors.ts';
import type { PartnerRecord, PartnerRegistry } from '#shared/ports/partner-directory.ts';
import type { PartnerKeyIssuer } from './partner-keys.ts';

/** What onboarding works with: the directory, where keys come from, and the time. */
export interface Onboarding {
  registry: PartnerRegistry;
  issuer: PartnerKeyIssuer;
  now: () => Date;
}

/**
 * A new partner: its key first, then its directory entry. A crash between the two leaves a key no
 * partner holds, which the directory refuses (401); running `add` again issues another.
 */
export async function addPartner(o: Onboarding, partner: { partnerId: string; name: string }) {
  if (await o.registry.getPartner(partner.partnerId))
    throw new PartnerChangeRefused(`partner ${partner.partnerId} exists already; rotate its key instead`);
  const key = await o.issuer.issue(partner);
  const record = await o.registry.addPartner({
    ...partner,
    apiKeyId: key.apiKeyId,
    at: o.now().toISOString(),
  });
  return { partner: record, apiKey: key.apiKey };
}

/**
 * A new key for the partner; every older key keeps working for `graceHours`, then the directory refuses
 * it. Keys whose grace has ended by now are also disabled at the gateway.
 */
export async function rotatePartnerKey(o: Onboarding, partnerId: string, graceHours: number) {
  const current = await activePartner(o, partnerId);
  const key = await o.issuer.issue(current);
  const at = o.now();
  const retiresAt = new Date(at.getTime() + graceHours * 3_600_000).toISOString();
  const record = await o.registry.rotateKey({
    partnerId,
    apiKeyId: key.apiKeyId,
    at: at.toISOString(),
    retiresAt,
  });
  await o.issuer.disable(retiredKeys(record, at));
  return { partner: record, apiKey: key.apiKey };
}

/** The partner's every key stops: in the directory at once (functions within their cache time), and at the gateway. */
export async function disablePartner(o: Onboarding, partnerId: string): Promise<PartnerRecord> {
  const record = await o.registry.disablePartner(partnerId, o.now().toISOString());
  await o.issuer.disable(record.keys.map((k) => k.apiKeyId));
  return record;
}

async function activePartner(o: Onboarding, partnerId: string): Promise<PartnerRecord> {
  const current = await o.registry.getPartner(partnerId);
  if (!current) throw new PartnerChangeRefused(`partner ${partnerId} is not in the directory`);
  if (current.status !== 'active') throw new PartnerChangeRefused(`partner ${partnerId} is disabled`);
  return current;
}

function retiredKeys(partner: PartnerRecord, at: Date): string[] {
  return partner.keys.filter((k) => k.retiresAt && k.retiresAt <= at.toISOString()).map((k) => k.apiKeyId);
}
