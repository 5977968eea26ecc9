import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type FieldCipher, KmsKeyService } from '#shared/adapters/aws/kms-key-service.ts';
import { randomIds } from '#shared/adapters/random-ids.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { OutboxEventBus } from '#shared/storage/outbox.ts';
import { type AppDeps, buildAppDeps } from './app-deps.ts';
import { deployedRules } from './deployed-rules.ts';
import { partnerDirectory } from './partner-directory.ts';

/** The environment a function is deployed with; read once, failing fast at cold start. */
const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  /** Only functions that hash IDs or encrypt contact data are given these (least privilege). */
  FIELD_KEY_ID: z.string().min(1).optional(),
  IDENTITY_HMAC_SECRET_ARN: z.string().min(1).optional(),
  /** JSON overrides of the rule defaults for this deployment. */
  RULES: z.string().default('{}'),
});

/**
 * The keys this function was given, and only those: the field key where addresses are encrypted or
 * decrypted, the HMAC secret where IDs or phone numbers are hashed. The clients load only where needed.
 */
async function keyService(fieldKeyId?: string, secretArn?: string): Promise<KeyService> {
  return new KmsKeyService(
    fieldKeyId ? await fieldCipher(fieldKeyId) : undefined,
    secretArn ? await hmacKeyFrom(secretArn) : undefined,
  );
}

async function fieldCipher(keyId: string): Promise<FieldCipher> {
  const [{ KMSClient }, { KmsFieldCipher }] = await Promise.all([
    import('@aws-sdk/client-kms'),
    import('#shared/adapters/aws/kms-field-cipher.ts'),
  ]);
  return new KmsFieldCipher(new KMSClient({}), keyId);
}

async function hmacKeyFrom(secretArn: string): Promise<Buffer> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!secret.SecretString) throw new Error('identity HMAC secret is empty');
  return Buffer.from(secret.SecretString, 'utf8');
}

/**
 * Powertools Tracer, unless the deployment turned X-Ray off. The bundler replaces
 * `process.env.DUEBELL_TRACING` with a constant (infra/constructs/node-function.ts), so with tracing off
 * neither the Tracer nor the X-Ray SDK is in the bundle; the test is an if-block because esbuild drops
 * what only such a dead block imports.
 */
async function tracer(): Promise<Tracer | undefined> {
  if (process.env.DUEBELL_TRACING !== 'off') {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    return new Tracer();
  }
  return undefined;
}

export async function awsAppDeps(environment: NodeJS.ProcessEnv = process.env): Promise<AppDeps> {
  // Once per process: zod's compiled fast path would cost more than it saves.
  const env = envSchema.parse(environment, { jitless: true });
  const traced = await tracer();
  const client = new DynamoDBClient({});
  const dynamodb = traced ? traced.captureAWSv3Client(client) : client;
  const rules = await deployedRules(env.RULES);
  return buildAppDeps({
    dynamodb,
    tableName: env.TABLE_NAME,
    rules,
    keys: await keyService(env.FIELD_KEY_ID, env.IDENTITY_HMAC_SECRET_ARN),
    // Every event goes through the table's outbox; only the stream publisher talks to EventBridge.
    events: new OutboxEventBus(documentClient(dynamodb), env.TABLE_NAME),
    metrics: new Metrics(),
    tracer: traced,
    clock: systemClock,
    ids: randomIds,
    partners: partnerDirectory(dynamodb, env.TABLE_NAME, rules),
  });
}
