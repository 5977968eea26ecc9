import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { EventBridgeBus } from '#shared/adapters/aws/eventbridge-bus.ts';
import { loadRules } from '#shared/config/rules.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { randomIds } from '#shared/ports/ids.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import { StaticPartnerDirectory } from '#shared/ports/partner-directory.ts';
import { type AppDeps, buildAppDeps } from './app-deps.ts';

/** The environment a function is deployed with; read once, failing fast at cold start. */
const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  /** Only functions that hash IDs or encrypt contact data are given these (least privilege). */
  FIELD_KEY_ID: z.string().min(1).optional(),
  IDENTITY_HMAC_SECRET_ARN: z.string().min(1).optional(),
  /** JSON `[{ partnerId, name, apiKeyId }]`, written by CDK from the usage plans it creates. */
  PARTNERS: z.string().min(2),
  /** JSON overrides of the rule defaults for this deployment. */
  RULES: z.string().default('{}'),
});

const partnersSchema = z.array(z.object({ partnerId: z.string(), name: z.string(), apiKeyId: z.string() }));

export class KeyServiceNotConfiguredError extends Error {
  override name = 'KeyServiceNotConfiguredError';
}

/** For functions deployed without key access: any use is a wiring mistake, reported as such. */
const noKeys: KeyService = {
  hashIdentity: () => {
    throw new KeyServiceNotConfiguredError('this function has no identity HMAC key');
  },
  hashPhone: () => {
    throw new KeyServiceNotConfiguredError('this function has no identity HMAC key');
  },
  encrypt: async () => {
    throw new KeyServiceNotConfiguredError('this function has no field key');
  },
  decrypt: async () => {
    throw new KeyServiceNotConfiguredError('this function has no field key');
  },
};

async function keyService(fieldKeyId?: string, secretArn?: string): Promise<KeyService> {
  if (!fieldKeyId || !secretArn) return noKeys;
  // Loaded only where keys are configured: functions without them skip two clients at cold start.
  const [{ KMSClient }, { GetSecretValueCommand, SecretsManagerClient }, { KmsKeyService }] =
    await Promise.all([
      import('@aws-sdk/client-kms'),
      import('@aws-sdk/client-secrets-manager'),
      import('#shared/adapters/aws/kms-key-service.ts'),
    ]);
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!secret.SecretString) throw new Error('identity HMAC secret is empty');
  return new KmsKeyService(new KMSClient({}), fieldKeyId, Buffer.from(secret.SecretString, 'utf8'));
}

export function partnerDirectoryFromEnv(
  environment: NodeJS.ProcessEnv = process.env,
): StaticPartnerDirectory {
  return new StaticPartnerDirectory(partnersSchema.parse(JSON.parse(z.string().parse(environment.PARTNERS))));
}

export async function awsAppDeps(environment: NodeJS.ProcessEnv = process.env): Promise<AppDeps> {
  const env = envSchema.parse(environment);
  const tracer = new Tracer();
  return buildAppDeps({
    dynamodb: tracer.captureAWSv3Client(new DynamoDBClient({})),
    tableName: env.TABLE_NAME,
    rules: loadRules(JSON.parse(env.RULES)),
    keys: await keyService(env.FIELD_KEY_ID, env.IDENTITY_HMAC_SECRET_ARN),
    events: new EventBridgeBus(tracer.captureAWSv3Client(new EventBridgeClient({})), env.EVENT_BUS_NAME),
    metrics: new Metrics(),
    tracer,
    clock: systemClock,
    ids: randomIds,
    partners: partnerDirectoryFromEnv(environment),
  });
}
