import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { routeTable } from '#shared/http/route-table.ts';
import { attributeDefinitions, DUE_INDEX, tableDefinition } from '#shared/storage/table-definition.ts';
import { buildApp } from '../../infra/app.ts';

let template: Template;

beforeAll(() => {
  const { stack } = buildApp({
    partners: [
      { partnerId: 'alpha', name: 'Alpha Loans' },
      { partnerId: 'beta', name: 'Beta Credit' },
    ],
  });
  template = Template.fromStack(stack);
});

describe('table', () => {
  it('has the key schema, attributes and indexes of the shared table definition', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        attributeDefinitions().map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      ),
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: i.projection },
      })),
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'due-date', KeySchema: Match.anyValue() })],
    });
    expect(DUE_INDEX).toBe('due-date');
  });

  it('is on-demand, with point-in-time recovery, a customer-managed key, TTL and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataTableKey'), 'Arn'] },
      },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('rotates both KMS keys', () => {
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.values(keys)).toHaveLength(2);
    for (const key of Object.values(keys)) expect(key.Properties.EnableKeyRotation).toBe(true);
  });
});

describe('functions', () => {
  it('run Node 24 on ARM64 with active tracing: one per route group, plus sweep, sender and inbound SMS', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
    expect(Object.keys(fns)).toHaveLength(Object.keys(routeTable).length + 3);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('give the field key only to scoring and the sender, the HMAC secret only to scoring and inbound SMS', () => {
    const withEnv = (name: string) =>
      Object.keys(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Environment: { Variables: { [name]: Match.anyValue() } } },
        }),
      ).sort();
    expect(withEnv('FIELD_KEY_ID')).toEqual([
      expect.stringMatching(/^Reminderssendcontactfn/),
      expect.stringMatching(/^applicationsfn/),
    ]);
    expect(withEnv('IDENTITY_HMAC_SECRET_ARN')).toEqual([
      expect.stringMatching(/^Remindersinboundsmsfn/),
      expect.stringMatching(/^applicationsfn/),
    ]);
  });

  it('grant no "*" action on data', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
      }
    }
  });
});

describe('partner API', () => {
  it('requires an API key on every method of every route in the route table', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(Object.values(routeTable).flat().length);
    for (const m of methods) expect(m.Properties.ApiKeyRequired).toBe(true);
  });

  it('gives each partner its own key and a usage plan with throttle and daily quota', () => {
    expect(Object.keys(template.findResources('AWS::ApiGateway::ApiKey'))).toHaveLength(2);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'duebell-alpha',
      Throttle: {
        RateLimit: defaultRules.api.throttleRatePerSecond,
        BurstLimit: defaultRules.api.throttleBurst,
      },
      Quota: { Limit: defaultRules.api.quotaPerDay, Period: 'DAY' },
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
  });

  it('logs access on stage v1 with tracing', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
    });
  });

  it('answers bodies over 64 KiB with 413 through WAF on the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: [
        Match.objectLike({
          Action: { Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'tooLarge' } } },
          Statement: {
            SizeConstraintStatement: Match.objectLike({
              ComparisonOperator: 'GT',
              Size: 64 * 1024,
              FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
            }),
          },
        }),
      ],
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('publishes domain events on the duebell bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'duebell' });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the app', () => {
    const { app } = buildApp();
    expect(() => app.synth()).not.toThrow();
  });

  it('would fail the synth on an unacknowledged finding (the check is live)', () => {
    const app = new App();
    new Queue(new Stack(app, 'Probe'), 'Queue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
