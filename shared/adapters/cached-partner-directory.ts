import type { Clock } from '#shared/ports/clock.ts';
import type {
  PartnerDirectory,
  PartnerKeyOwner,
  PartnerRecord,
  PartnerRecords,
} from '#shared/ports/partner-directory.ts';

interface Cached<T> {
  value: T;
  until: number;
}

/**
 * The partner directory as a function sees it: each key and partner read once per `ttlSeconds` per
 * container, so a request costs no read in steady state, and a rotation's end or a disabled partner
 * takes effect within that time everywhere. Retirement is judged on every call, not when cached.
 */
export class CachedPartnerDirectory implements PartnerDirectory {
  private readonly keyCache = new Map<string, Cached<PartnerKeyOwner | undefined>>();
  private readonly partnerCache = new Map<string, Cached<PartnerRecord | undefined>>();

  constructor(
    private readonly records: PartnerRecords,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async partnerFor(apiKeyId: string | undefined): Promise<string | undefined> {
    if (!apiKeyId) return undefined;
    const key = await this.cached(this.keyCache, apiKeyId, () => this.records.findKey(apiKeyId));
    if (!key || (key.retiresAt !== undefined && this.clock.now().toISOString() >= key.retiresAt))
      return undefined;
    const partner = await this.partner(key.partnerId);
    return partner?.status === 'active' ? partner.partnerId : undefined;
  }

  async nameOf(partnerId: string): Promise<string | undefined> {
    return (await this.partner(partnerId))?.name;
  }

  private partner(partnerId: string): Promise<PartnerRecord | undefined> {
    return this.cached(this.partnerCache, partnerId, () => this.records.getPartner(partnerId));
  }

  private async cached<T>(cache: Map<string, Cached<T>>, id: string, read: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.value;
    const value = await read();
    // Unknown ids are cached too (a flood of bad keys costs one read each per TTL), but the map stays bounded.
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(id, { value, until: now + this.ttlSeconds * 1000 });
    return value;
  }
}

const MAX_CACHED = 1_000;
