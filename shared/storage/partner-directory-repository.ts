import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PartnerChangeRefused } from '#shared/errors/partner-errors.ts';
import type {
  PartnerKeyOwner,
  PartnerRecord,
  PartnerRecords,
  PartnerRegistry,
} from '#shared/ports/partner-directory.ts';
import { isConditionalFailure, queryAll } from './document-client.ts';
import { keys, recordOf } from './keys.ts';

type StoredPartner = PartnerRecord & { version: number };

/**
 * The partner directory in the table: one item per partner (its name, status and keys) and one per API
 * key (its owner and retirement), which is what a request reads. Every change writes both in one
 * transaction under a version condition, so two operators cannot interleave a rotation.
 */
export class PartnerDirectoryRepository implements PartnerRecords, PartnerRegistry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findKey(apiKeyId: string): Promise<PartnerKeyOwner | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.apiKey(apiKeyId), ConsistentRead: true }),
    );
    return Item ? recordOf<PartnerKeyOwner>(Item) : undefined;
  }

  async getPartner(partnerId: string): Promise<PartnerRecord | undefined> {
    const stored = await this.getStored(partnerId);
    return stored ? withoutVersion(stored) : undefined;
  }

  async listPartners(): Promise<PartnerRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.partnersPartition },
    });
    return items.map((item) => withoutVersion(recordOf<StoredPartner>(item)));
  }

  async addPartner(input: { partnerId: string; name: string; apiKeyId: string; at: string }) {
    const partner: StoredPartner = {
      partnerId: input.partnerId,
      name: input.name,
      status: 'active',
      createdAt: input.at,
      keys: [{ apiKeyId: input.apiKeyId, createdAt: input.at }],
      version: 1,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.putPartner(partner, 'attribute_not_exists(pk)'),
            this.putKey(input.apiKeyId, input.partnerId, input.at),
          ],
        }),
      );
      return withoutVersion(partner);
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
    // A retry of the same add is a no-op; anything else under that id is a different partner.
    const existing = await this.getPartner(input.partnerId);
    const same = existing?.name === input.name && existing.keys.some((k) => k.apiKeyId === input.apiKeyId);
    if (existing && same) return existing;
    throw new PartnerChangeRefused(
      existing
        ? `partner ${input.partnerId} exists already; rotate its key instead`
        : `API key ${input.apiKeyId} belongs to another partner`,
    );
  }

  async rotateKey(input: { partnerId: string; apiKeyId: string; at: string; retiresAt: string }) {
    const current = await this.activePartner(input.partnerId);
    if (current.keys.some((k) => k.apiKeyId === input.apiKeyId)) return withoutVersion(current);
    const retiring = current.keys.filter((k) => !k.retiresAt || k.retiresAt > input.retiresAt);
    const next: StoredPartner = {
      ...current,
      keys: [
        ...current.keys.map((k) => (retiring.includes(k) ? { ...k, retiresAt: input.retiresAt } : k)),
        { apiKeyId: input.apiKeyId, createdAt: input.at },
      ],
      version: current.version + 1,
    };
    await this.writeChange(current, next, [
      this.putKey(input.apiKeyId, input.partnerId, input.at),
      ...retiring.map((k) => ({
        Update: {
          TableName: this.tableName,
          Key: keys.apiKey(k.apiKeyId),
          UpdateExpression: 'SET retiresAt = :retiresAt',
          ExpressionAttributeValues: { ':retiresAt': input.retiresAt },
        },
      })),
    ]);
    return withoutVersion(next);
  }

  async disablePartner(partnerId: string, at: string): Promise<PartnerRecord> {
    const current = await this.getStored(partnerId);
    if (!current) throw new PartnerChangeRefused(`partner ${partnerId} is not in the directory`);
    if (current.status === 'disabled') return withoutVersion(current);
    const next: StoredPartner = {
      ...current,
      status: 'disabled',
      disabledAt: at,
      version: current.version + 1,
    };
    await this.writeChange(current, next, []);
    return withoutVersion(next);
  }

  private async activePartner(partnerId: string): Promise<StoredPartner> {
    const current = await this.getStored(partnerId);
    if (!current) throw new PartnerChangeRefused(`partner ${partnerId} is not in the directory`);
    if (current.status !== 'active') throw new PartnerChangeRefused(`partner ${partnerId} is disabled`);
    return current;
  }

  private async writeChange(current: StoredPartner, next: StoredPartner, others: object[]): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            this.putPartner(next, 'version = :version', { ':version': current.version }),
            ...others,
          ] as never,
        }),
      );
    } catch (err) {
      if (isConditionalFailure(err))
        throw new PartnerChangeRefused(
          `partner ${current.partnerId} changed meanwhile; run the command again`,
        );
      throw err;
    }
  }

  private async getStored(partnerId: string): Promise<StoredPartner | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.partner(partnerId), ConsistentRead: true }),
    );
    return Item ? recordOf<StoredPartner>(Item) : undefined;
  }

  private putPartner(partner: StoredPartner, condition: string, values?: Record<string, unknown>) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.partner(partner.partnerId), kind: 'partner', ...partner },
        ConditionExpression: condition,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  private putKey(apiKeyId: string, partnerId: string, at: string) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.apiKey(apiKeyId), kind: 'apiKey', partnerId, createdAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
}

function withoutVersion({ version: _version, ...partner }: StoredPartner): PartnerRecord {
  return partner;
}
