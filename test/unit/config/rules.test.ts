import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules, rulesSchema } from '#shared/config/rules.ts';
import { deployedRules } from '#shared/wiring/deployed-rules.ts';

const DEFAULT_RULES_FILE = new URL('../../../shared/config/default-rules.json', import.meta.url);

describe('loadRules', () => {
  it('gives the defaults for no overrides, and the defaults pass their own schema', () => {
    expect(loadRules()).toEqual(defaultRules);
    expect(rulesSchema.parse(defaultRules)).toEqual(defaultRules);
  });

  it('merges an override into its section: the fields it leaves out keep their defaults', () => {
    const rules = loadRules({ contact: { smsPerSecond: 3 }, timezone: 'Europe/London' });
    expect(rules.contact).toEqual({ ...defaultRules.contact, smsPerSecond: 3 });
    expect(rules.timezone).toBe('Europe/London');
    expect(rules.api).toEqual(defaultRules.api);
  });

  it('replaces a list rather than merging it', () => {
    const rules = loadRules({ collection: { ladder: [{ id: 'D+1', offsetDays: 1 }] } });
    expect(rules.collection.ladder).toEqual([{ id: 'D+1', offsetDays: 1, channels: [] }]);
    expect(rules.collection.agentQueueName).toBe(defaultRules.collection.agentQueueName);
  });

  it('refuses a bad override at start-up', () => {
    expect(() => loadRules({ contact: { smsPerSecond: -1 } })).toThrow();
    expect(() => loadRules({ money: null } as never)).toThrow();
  });
});

describe('the committed defaults (shared/config/default-rules.json)', () => {
  it('are what the schema gives (UPDATE_DEFAULT_RULES=1 rewrites them; then format with Biome)', () => {
    if (process.env.UPDATE_DEFAULT_RULES) writeFileSync(DEFAULT_RULES_FILE, JSON.stringify(defaultRules));
    expect(JSON.parse(readFileSync(DEFAULT_RULES_FILE, 'utf8'))).toStrictEqual(defaultRules);
  });
});

describe('deployedRules', () => {
  it('gives the defaults without overrides, each time a copy of its own', async () => {
    const rules = await deployedRules('{}');
    expect(rules).toStrictEqual(defaultRules);
    rules.contact.smsPerSecond = 1;
    expect((await deployedRules()).contact.smsPerSecond).toBe(defaultRules.contact.smsPerSecond);
  });

  it('validates and merges overrides as loadRules does', async () => {
    const overrides = { contact: { smsPerSecond: 3 }, portfolio: { tier1CapitalFen: 120_000_000 } };
    expect(await deployedRules(JSON.stringify(overrides))).toEqual(loadRules(overrides));
    await expect(deployedRules('{"contact":{"smsPerSecond":-1}}')).rejects.toThrow();
    await expect(deployedRules('null')).rejects.toThrow();
  });
});
