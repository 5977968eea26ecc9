import { CachedPartnerDirectory } from '#shared/adapters/cached-partner-directory.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { PartnerChangeRefused } from '#shared/errors/partner-errors.ts';
import type {
  PartnerDirectory,
  PartnerKeyOwner,
  PartnerRecord,
  PartnerRecords,
  PartnerRegistry,
} from '#shared/ports/partner-directory.ts';
import { stored } from './copy.ts';

/** The partner directory in memory, for use cases on in-memory stores; `test/contract/` holds it to the DynamoDB one. */
export class InMemoryPartnerDirectory implements PartnerRecords, PartnerRegistry {
  private readonly partners = new Map<string, PartnerRecord>();
  private readonly keys = new Map<string, PartnerKeyOwner>();

  /** Partners given at start, each with one key (the tests' and benchmarks' fixed partners). */
  static of(
    entries: readonly { partnerId: string; name: string; apiKeyId: string }[],
  ): InMemoryPartnerDirectory {
    const directory = new InMemoryPartnerDirectory();
    const at = '2020-01-01T00:00:00.000Z';
    for (const e of entries) {
      directory.partners.set(e.partnerId, {
        partnerId: e.partnerId,
        name: e.name,
        status: 'active',
        createdAt: at,
        keys: [{ apiKeyId: e.apiKeyId, createdAt: at }],
      });
      directory.keys.set(e.apiKeyId, { partnerId: e.partnerId, createdAt: at });
    }
    return directory;
  }

  async findKey(apiKeyId: string): Promise<PartnerKeyOwner | undefined> {
    return stored(this.keys.get(apiKeyId));
  }

  async getPartner(partnerId: string): Promise<PartnerRecord | undefined> {
    return stored(this.partners.get(partnerId));
  }

  async listPartners(): Promise<PartnerRecord[]> {
    return [...this.partners.values()]
      .sort((a, b) => (a.partnerId < b.partnerId ? -1 : 1))
      .map((p) => stored(p));
  }

  async addPartner(input: { partnerId: string; name: string; apiKeyId: string; at: string }) {
    const existing = this.partners.get(input.partnerId);
    if (existing) {
      if (existing.name === input.name && existing.keys.some((k) => k.apiKeyId === input.apiKeyId))
        return stored(existing);
      throw new PartnerChangeRefused(`partner ${input.partnerId} exists already; rotate its key instead`);
    }
    if (this.keys.has(input.apiKeyId))
      throw new PartnerChangeRefused(`API key ${input.apiKeyId} belongs to another partner`);
    const partner: PartnerRecord = {
      partnerId: input.partnerId,
      name: input.name,
      status: 'active',
      createdAt: input.at,
      keys: [{ apiKeyId: input.apiKeyId, createdAt: input.at }],
    };
    this.partners.set(input.partnerId, partner);
    this.keys.set(input.apiKeyId, { partnerId: input.partnerId, createdAt: input.at });
    return stored(partner);
  }

  async rotateKey(input: { partnerId: string; apiKeyId: string; at: string; retiresAt: string }) {
    const current = this.partners.get(input.partnerId);
    if (!current) throw new PartnerChangeRefused(`partner ${input.partnerId} is not in the directory`);
    if (current.status !== 'active') throw new PartnerChangeRefused(`partner ${input.partnerId} is disabled`);
    if (current.keys.some((k) => k.apiKeyId === input.apiKeyId)) return stored(current);
    if (this.keys.has(input.apiKeyId))
      throw new PartnerChangeRefused(`partner ${input.partnerId} changed meanwhile; run the command again`);
    const keys = current.keys.map((k) => {
      if (k.retiresAt && k.retiresAt <= input.retiresAt) return k;
      const owner = this.keys.get(k.apiKeyId);
      if (owner) this.keys.set(k.apiKeyId, { ...owner, retiresAt: input.retiresAt });
      return { ...k, retiresAt: input.retiresAt };
    });
    const next = { ...current, keys: [...keys, { apiKeyId: input.apiKeyId, createdAt: input.at }] };
    this.partners.set(input.partnerId, next);
    this.keys.set(input.apiKeyId, { partnerId: input.partnerId, createdAt: input.at });
    return stored(next);
  }

  async disablePartner(partnerId: string, at: string): Promise<PartnerRecord> {
    const current = this.partners.get(partnerId);
    if (!current) throw new PartnerChangeRefused(`partner ${partnerId} is not in the directory`);
    if (current.status === 'disabled') return stored(current);
    const next: PartnerRecord = { ...current, status: 'disabled', disabledAt: at };
    this.partners.set(partnerId, next);
    return stored(next);
  }
}

/** A directory of fixed partners, read without a cache: for tests and benchmarks that do not change partners. */
export function fixedPartnerDirectory(
  entries: readonly { partnerId: string; name: string; apiKeyId: string }[],
): PartnerDirectory {
  return new CachedPartnerDirectory(InMemoryPartnerDirectory.of(entries), systemClock, 0);
}
