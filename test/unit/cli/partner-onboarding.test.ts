import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryPartnerDirectory } from '#local/in-memory/in-memory-partner-directory.ts';
import { addPartner, disablePartner, rotatePartnerKey } from '../../../cli/partners/onboarding.ts';
import { ApiGatewayKeyIssuer } from '../../../cli/partners/partner-keys.ts';

const gateway = mockClient(APIGatewayClient);
afterEach(() => gateway.reset());

const limits = { rateLimit: 50, burstLimit: 100, quotaPerDay: 100_000 };

function onboarding(now = new Date('2027-03-01T00:00:00.000Z')) {
  let n = 0;
  gateway.on(CreateApiKeyCommand).callsFake(() => {
    n += 1;
    return { id: `key-id-${n}`, value: `key-value-${n}-0123456789` };
  });
  const registry = new InMemoryPartnerDirectory();
  const issuer = new ApiGatewayKeyIssuer(new APIGatewayClient({ region: 'ap-east-1' }), {
    restApiId: 'api-1',
    stage: 'v1',
    limits,
  });
  return { registry, issuer, now: () => now };
}

describe('onboarding on AWS (API Gateway faked at the client)', () => {
  it('adds a partner: a new key in a new usage plan with the stack’s limits, and the key id in the directory', async () => {
    gateway.on(GetUsagePlansCommand).resolves({ items: [{ id: 'plan-x', name: 'duebell-other' }] });
    gateway.on(CreateUsagePlanCommand).resolves({ id: 'plan-new' });
    const o = onboarding();
    const { apiKey, partner } = await addPartner(o, { partnerId: 'p9', name: 'Nine Loans' });
    expect(apiKey).toBe('key-value-1-0123456789');
    expect(partner.keys).toEqual([{ apiKeyId: 'key-id-1', createdAt: '2027-03-01T00:00:00.000Z' }]);
    expect(gateway.commandCalls(CreateUsagePlanCommand)[0]?.args[0].input).toEqual({
      name: 'duebell-p9',
      apiStages: [{ apiId: 'api-1', stage: 'v1' }],
      throttle: { rateLimit: 50, burstLimit: 100 },
      quota: { limit: 100_000, period: 'DAY' },
    });
    expect(gateway.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'plan-new',
      keyId: 'key-id-1',
      keyType: 'API_KEY',
    });
  });

  it('rotates into the partner’s existing usage plan, found across pages, and disables keys whose grace has ended', async () => {
    gateway
      .on(GetUsagePlansCommand)
      .resolvesOnce({ items: [{ id: 'plan-a', name: 'duebell-a' }], position: 'page-2' })
      .resolves({ items: [{ id: 'plan-p9', name: 'duebell-p9' }] });
    const o = onboarding();
    await addPartner(o, { partnerId: 'p9', name: 'Nine Loans' });
    // A rotation with no grace retires the first key at once: the gateway stops it too.
    const rotated = await rotatePartnerKey(o, 'p9', 0);
    expect(rotated.apiKey).toBe('key-value-2-0123456789');
    expect(gateway.commandCalls(CreateUsagePlanCommand)).toHaveLength(0);
    expect(gateway.commandCalls(CreateUsagePlanKeyCommand).map((c) => c.args[0].input.usagePlanId)).toEqual([
      'plan-p9',
      'plan-p9',
    ]);
    expect(gateway.commandCalls(UpdateApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiKey: 'key-id-1', patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] },
    ]);
  });

  it('keeps the old key enabled at the gateway during its grace', async () => {
    gateway.on(GetUsagePlansCommand).resolves({ items: [{ id: 'plan-p9', name: 'duebell-p9' }] });
    const o = onboarding();
    await addPartner(o, { partnerId: 'p9', name: 'Nine Loans' });
    const rotated = await rotatePartnerKey(o, 'p9', 24);
    expect(rotated.partner.keys[0]?.retiresAt).toBe('2027-03-02T00:00:00.000Z');
    expect(gateway.commandCalls(UpdateApiKeyCommand)).toHaveLength(0);
  });

  it('disables a partner: every key disabled at the gateway, the directory entry disabled', async () => {
    gateway.on(GetUsagePlansCommand).resolves({ items: [{ id: 'plan-p9', name: 'duebell-p9' }] });
    const o = onboarding();
    await addPartner(o, { partnerId: 'p9', name: 'Nine Loans' });
    await rotatePartnerKey(o, 'p9', 24);
    const disabled = await disablePartner(o, 'p9');
    expect(disabled.status).toBe('disabled');
    expect(gateway.commandCalls(UpdateApiKeyCommand).map((c) => c.args[0].input.apiKey)).toEqual([
      'key-id-1',
      'key-id-2',
    ]);
  });

  it('refuses to add a partner that exists before issuing any key', async () => {
    gateway.on(GetUsagePlansCommand).resolves({ items: [{ id: 'plan-p9', name: 'duebell-p9' }] });
    const o = onboarding();
    await addPartner(o, { partnerId: 'p9', name: 'Nine Loans' });
    await expect(addPartner(o, { partnerId: 'p9', name: 'Nine Loans' })).rejects.toThrow(/exists already/);
    expect(gateway.commandCalls(CreateApiKeyCommand)).toHaveLength(1);
  });
});
