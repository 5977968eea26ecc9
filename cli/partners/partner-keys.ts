import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { localApiKeyId, newLocalApiKey } from '#local/local-api-keys.ts';

/** Where a partner's API keys come from: API Gateway on AWS, the local gateway's digest locally. */
export interface PartnerKeyIssuer {
  /** A new enabled key for the partner, with its id (what the directory stores) and its value (shown once). */
  issue(partner: { partnerId: string; name: string }): Promise<{ apiKeyId: string; apiKey: string }>;
  /** Keys the gateway should stop accepting itself (retired or of a disabled partner). */
  disable(apiKeyIds: readonly string[]): Promise<void>;
}

/** Locally the directory alone decides: a key is its digest, and there is no gateway list to update. */
export const localKeyIssuer: PartnerKeyIssuer = {
  issue: async () => {
    const apiKey = newLocalApiKey();
    return { apiKey, apiKeyId: localApiKeyId(apiKey) };
  },
  disable: async () => {},
};

export interface UsagePlanLimits {
  rateLimit: number;
  burstLimit: number;
  quotaPerDay: number;
}

/**
 * API Gateway keys, each in its partner's usage plan (`duebell-<partnerId>`, created with the first key,
 * with the stack's per-partner limits), so a partner's throttle and quota are its own.
 */
export class ApiGatewayKeyIssuer implements PartnerKeyIssuer {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly api: { restApiId: string; stage: string; limits: UsagePlanLimits },
  ) {}

  async issue(partner: { partnerId: string; name: string }) {
    const key = await this.client.send(
      new CreateApiKeyCommand({
        name: `duebell-${partner.partnerId}-${Date.now()}`,
        description: `API key of ${partner.name}`,
        enabled: true,
      }),
    );
    if (!key.id || !key.value) throw new Error('API Gateway created a key without an id or value');
    const usagePlanId = await this.usagePlanOf(partner.partnerId);
    await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
    return { apiKeyId: key.id, apiKey: key.value };
  }

  async disable(apiKeyIds: readonly string[]): Promise<void> {
    for (const apiKey of apiKeyIds)
      await this.client.send(
        new UpdateApiKeyCommand({
          apiKey,
          patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
        }),
      );
  }

  private async usagePlanOf(partnerId: string): Promise<string> {
    const name = `duebell-${partnerId}`;
    let position: string | undefined;
    do {
      const page = await this.client.send(new GetUsagePlansCommand({ position, limit: 500 }));
      const found = page.items?.find((p) => p.name === name);
      if (found?.id) return found.id;
      position = page.position;
    } while (position);
    const { limits } = this.api;
    const created = await this.client.send(
      new CreateUsagePlanCommand({
        name,
        apiStages: [{ apiId: this.api.restApiId, stage: this.api.stage }],
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: { limit: limits.quotaPerDay, period: 'DAY' },
      }),
    );
    if (!created.id) throw new Error('API Gateway created a usage plan without an id');
    return created.id;
  }
}
