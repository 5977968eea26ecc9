import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { partnersCommand } from '../../../cli/partners.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

/**
 * Onboarding on the local stack as an operator does it on AWS: `duebell partners` against the table the
 * running API reads, with no restart. The API's clock is moved past the grace and the cache time.
 */
describe('duebell partners against a running local stack', () => {
  let api: TestApi;
  const cli = async (...args: string[]) => {
    const lines: string[] = [];
    await partnersCommand(
      [...args, '--dynamodb-endpoint', api.stack.dynamodbEndpoint, '--table', api.stack.tableName],
      (line) => lines.push(line),
    );
    return lines;
  };
  const status = async (apiKey: string) => (await api.request('GET', '/v1/openapi.json', { apiKey })).status;
  const pastCache = () => api.clock.advance((defaultRules.api.partnerCacheSeconds + 1) * 1000);

  beforeAll(async () => {
    api = await startTestApi(new Date().toISOString());
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('adds a partner whose key works at once, rotates it with a grace, and disables it everywhere', async () => {
    const unknownKey = 'dbk_not-a-key-anyone-holds-0123456789';
    expect(await status(unknownKey)).toBe(401);

    const added = await cli('add', '--partner-id', 'p-new', '--name', 'New Lender');
    const firstKey = added.at(-1) as string;
    expect(added[0]).toBe('added p-new (New Lender); its API key, shown once:');
    expect(await status(firstKey)).toBe(200);

    const rotated = await cli('rotate-key', '--partner-id', 'p-new', '--grace-hours', '2');
    const secondKey = rotated.at(-1) as string;
    expect(secondKey).not.toBe(firstKey);
    expect(await status(secondKey)).toBe(200);
    expect(await status(firstKey)).toBe(200);
    // The manual clock started with the test; the CLI dated the rotation by the wall clock, a little later.
    api.clock.advance(2 * 3_600_000 + 10 * 60_000);
    expect(await status(firstKey)).toBe(401);
    expect(await status(secondKey)).toBe(200);

    const listed = await cli('list');
    expect(listed.find((l) => l.startsWith('p-new'))).toBe('p-new  New Lender  active');
    expect(listed.filter((l) => l.startsWith('  key ')).length).toBeGreaterThanOrEqual(2);
    // The directory holds key ids (digests), never a key that would open the API.
    expect(listed.join('\n')).not.toContain(firstKey);
    expect(listed.join('\n')).not.toContain(secondKey);

    await cli('disable', '--partner-id', 'p-new');
    pastCache();
    expect(await status(secondKey)).toBe(401);
    expect(await status(firstKey)).toBe(401);
    // The other partners are untouched.
    expect((await api.request('GET', '/v1/openapi.json')).status).toBe(200);
  });

  it('refuses to add a partner twice, and to rotate a disabled or unknown one, changing nothing', async () => {
    await cli('add', '--partner-id', 'p-twice', '--name', 'Twice');
    await expect(cli('add', '--partner-id', 'p-twice', '--name', 'Twice')).rejects.toThrow(/exists already/);
    await cli('disable', '--partner-id', 'p-twice');
    await expect(cli('rotate-key', '--partner-id', 'p-twice')).rejects.toThrow(/is disabled/);
    await expect(cli('rotate-key', '--partner-id', 'p-nobody')).rejects.toThrow(/not in the directory/);
    const keys = (await cli('list')).join('\n').match(/ {2}key /g);
    const before = keys?.length;
    await expect(cli('rotate-key', '--partner-id', 'p-twice')).rejects.toThrow();
    expect((await cli('list')).join('\n').match(/ {2}key /g)?.length).toBe(before);
  });

  it('answers a call without a target or partner with its usage', async () => {
    await expect(partnersCommand(['list'])).rejects.toThrow(/give --stack or --dynamodb-endpoint/);
    await expect(cli('disable')).rejects.toThrow(/--partner-id is required/);
  });
});
