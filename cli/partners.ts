import { parseArgs } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '#local/dynamodb-local.ts';
import { LOCAL_TABLE } from '#local/local-stack.ts';
import { defaultRules } from '#shared/config/rules.ts';
import type { PartnerRecord } from '#shared/ports/partner-directory.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { PartnerDirectoryRepository } from '#shared/storage/partner-directory-repository.ts';
import { addPartner, disablePartner, type Onboarding, rotatePartnerKey } from './partners/onboarding.ts';
import { ApiGatewayKeyIssuer, localKeyIssuer, type UsagePlanLimits } from './partners/partner-keys.ts';

const usage = `usage: duebell partners <add|list|rotate-key|disable> (--stack NAME [--region R] | --dynamodb-endpoint URL [--table NAME])
  add         --partner-id ID --name NAME   prints the new API key (shown once)
  list
  rotate-key  --partner-id ID [--grace-hours N]   prints the new key; older keys stop after the grace (default ${defaultRules.api.keyRotationGraceHours} h)
  disable     --partner-id ID`;

/** `duebell partners`: the partner directory, on a deployed stack (AWS SDK) or on DynamoDB Local for `duebell serve`. */
export async function partnersCommand(
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      region: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      table: { type: 'string', default: LOCAL_TABLE },
      'partner-id': { type: 'string' },
      name: { type: 'string' },
      'grace-hours': { type: 'string', default: String(defaultRules.api.keyRotationGraceHours) },
    },
    strict: true,
  });
  const [action] = positionals;
  const partnerId = values['partner-id'];
  const graceHours = Number(values['grace-hours']);
  if (!Number.isInteger(graceHours) || graceHours < 0)
    throw new Error(`--grace-hours must be a whole number\n${usage}`);
  if (Boolean(values.stack) === Boolean(values['dynamodb-endpoint']))
    throw new Error(`give --stack or --dynamodb-endpoint\n${usage}`);
  if (action !== 'list' && !partnerId) throw new Error(`--partner-id is required\n${usage}`);
  const onboarding = values.stack
    ? await stackOnboarding(values.stack, values.region)
    : localOnboarding(values['dynamodb-endpoint'] as string, values.table);
  try {
    switch (action) {
      case 'add': {
        if (!values.name) throw new Error(`--name is required\n${usage}`);
        const added = await addPartner(onboarding, { partnerId: partnerId as string, name: values.name });
        print(`added ${added.partner.partnerId} (${added.partner.name}); its API key, shown once:`);
        print(added.apiKey);
        return;
      }
      case 'rotate-key': {
        const rotated = await rotatePartnerKey(onboarding, partnerId as string, graceHours);
        print(
          `new API key of ${partnerId}, shown once (older keys stop at ${retirementOf(rotated.partner)}):`,
        );
        print(rotated.apiKey);
        return;
      }
      case 'disable': {
        await disablePartner(onboarding, partnerId as string);
        print(`disabled ${partnerId}: every key is refused within ${defaultRules.api.partnerCacheSeconds} s`);
        return;
      }
      case 'list':
        for (const line of listing(await onboarding.registry.listPartners())) print(line);
        return;
      default:
        throw new Error(usage);
    }
  } finally {
    onboarding.close();
  }
}

function listing(partners: PartnerRecord[]): string[] {
  if (partners.length === 0) return ['no partners yet: duebell partners add --partner-id ID --name NAME'];
  return partners.flatMap((p) => [
    `${p.partnerId}  ${p.name}  ${p.status}${p.disabledAt ? ` since ${p.disabledAt}` : ''}`,
    ...p.keys.map(
      (k) => `  key ${k.apiKeyId}  since ${k.createdAt}${k.retiresAt ? `  retires ${k.retiresAt}` : ''}`,
    ),
  ]);
}

function retirementOf(partner: PartnerRecord): string {
  return partner.keys.find((k) => k.retiresAt)?.retiresAt ?? 'never';
}

function localOnboarding(endpoint: string, tableName: string): Onboarding & { close(): void } {
  const client = localDynamoDbClient(endpoint);
  return {
    registry: new PartnerDirectoryRepository(documentClient(client), tableName),
    issuer: localKeyIssuer,
    now: () => new Date(),
    close: () => client.destroy(),
  };
}

/** The deployed stack's outputs name the table, the API, its stage and the per-partner limits. */
async function stackOnboarding(stackName: string, region?: string): Promise<Onboarding & { close(): void }> {
  const cloudFormation = new CloudFormationClient({ region });
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  cloudFormation.destroy();
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const missing = ['TableName', 'PartnerApiId', 'PartnerApiStage', 'PartnerUsagePlan'].filter(
    (k) => !outputs[k],
  );
  if (missing.length)
    throw new Error(`stack ${stackName} has no output ${missing.join(', ')}: is it a Duebell stack?`);
  const dynamodb = new DynamoDBClient({ region });
  const apiGateway = new APIGatewayClient({ region });
  return {
    registry: new PartnerDirectoryRepository(documentClient(dynamodb), outputs.TableName as string),
    issuer: new ApiGatewayKeyIssuer(apiGateway, {
      restApiId: outputs.PartnerApiId as string,
      stage: outputs.PartnerApiStage as string,
      limits: JSON.parse(outputs.PartnerUsagePlan as string) as UsagePlanLimits,
    }),
    now: () => new Date(),
    close: () => {
      dynamodb.destroy();
      apiGateway.destroy();
    },
  };
}
