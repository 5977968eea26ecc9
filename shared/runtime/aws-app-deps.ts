import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { EventBridgeBus } from '#shared/adapters/aws/eventbridge-bus.ts';
import { KmsKeyService } from '#shared/adapters/aws/kms-key-service.ts';
import { loadRules } from '#shared/config/rules.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { randomIds } from '#shared/ports/ids.ts';
import { StaticPartnerDirectory } from '#shared/ports/partner-directory.ts';
import { type AppDeps, buildAppDeps } from './app-deps.ts';

/** The environment a function is deployed with; read once, failing fast at cold start. */
const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  FIELD_KEY_ID: z.string().min(1),
  IDENTITY_HMAC_SECRET_ARN: z.string().min(1),
  /** JSON `[{ partnerId, name, apiKeyId }]`, written by CDK from the usage plans it creates. */
  PARTNERS: z.string().min(2),
  /** JSON overrides of the rule defaults for this deployment. */
  RULES: z.string().default('{}'),
});

const partnersSchema = z.array(z.object({ partnerId: z.string(), name: z.string(), apiKeyId: z.string() }));

export async function awsAppDeps(environment: NodeJS.ProcessEnv = process.env): Promise<AppDeps> {
  const env = envSchema.parse(environment);
  const secrets = new SecretsManagerClient({});
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: env.IDENTITY_HMAC_SECRET_ARN }));
  if (!secret.SecretString) throw new Error('identity HMAC secret is empty');
  return buildAppDeps({
    dynamodb: new DynamoDBClient({}),
    tableName: env.TABLE_NAME,
    rules: loadRules(JSON.parse(env.RULES)),
    keys: new KmsKeyService(new KMSClient({}), env.FIELD_KEY_ID, Buffer.from(secret.SecretString, 'utf8')),
    events: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
    clock: systemClock,
    ids: randomIds,
    partners: new StaticPartnerDirectory(partnersSchema.parse(JSON.parse(env.PARTNERS))),
  });
}
