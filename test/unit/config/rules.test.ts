import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules, rulesSchema } from '#shared/config/rules.ts';

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
