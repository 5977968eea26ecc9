import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEY_ACTIONS } from '#shared/storage/table-access.ts';
import {
  AGEING_INDEX,
  attributeDefinitions,
  BORROWER_INDEX,
  DESK_INDEX,
  DUE_INDEX,
  PROVINCE_INDEX,
  type TableDefinition,
  tableDefinition,
} from '#shared/storage/table-definition.ts';
import { DuebellData, grantTableAccess } from '../../infra/constructs/data.ts';
import { actionsOn, arnOf, bareStack, logicalId } from './bare-stack.ts';

describe('DuebellData with its defaults', () => {
  let template: Template;
  let data: DuebellData;
  beforeAll(() => {
    const stack = bareStack();
    data = new DuebellData(stack, 'Data');
    template = Template.fromStack(stack);
  });

  it('builds the table from the shared definition: keys, attributes, the due-date, ageing, desk, borrower and province indexes and TTL', () => {
    expect(tableDefinition.globalSecondaryIndexes.map((i) => i.indexName)).toEqual([
      DUE_INDEX,
      AGEING_INDEX,
      DESK_INDEX,
      BORROWER_INDEX,
      PROVINCE_INDEX,
    ]);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: Match.absent(),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        attributeDefinitions().map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      ),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'due-date',
          KeySchema: [
            { AttributeName: 'dueShard', KeyType: 'HASH' },
            { AttributeName: 'dueSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'ageing',
          KeySchema: [
            { AttributeName: 'ageShard', KeyType: 'HASH' },
            { AttributeName: 'ageSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'desk-tasks',
          KeySchema: [
            { AttributeName: 'deskStatus', KeyType: 'HASH' },
            { AttributeName: 'deskSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'borrower-records',
          KeySchema: [
            { AttributeName: 'borrowerKey', KeyType: 'HASH' },
            { AttributeName: 'borrowerSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'province',
          KeySchema: [
            { AttributeName: 'provinceShard', KeyType: 'HASH' },
            { AttributeName: 'provinceSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is on-demand, with point-in-time recovery, the table key, deletion protection, and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(data.tableKey) },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('keeps two rotating, retained keys under their aliases: one for the table, one for fields', () => {
    template.resourceCountIs('AWS::KMS::Key', 2);
    for (const [key, alias] of [
      [data.tableKey, 'alias/duebell-data'],
      [data.fieldKey, 'alias/duebell-fields'],
    ] as const) {
      const resource = template.toJSON().Resources[logicalId(key)];
      expect(resource).toMatchObject({
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: alias, TargetKeyId: arnOf(key) });
    }
  });

  it('generates a 64-character HMAC secret, encrypted with the field key and retained', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Description: 'HMAC-SHA256 key for national-ID hashing',
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
        KmsKeyId: arnOf(data.fieldKey),
      },
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});

describe('DuebellData with its options', () => {
  it('names the table and follows another definition', () => {
    const stack = bareStack();
    const definition: TableDefinition = {
      partitionKey: { name: 'id', type: 'S' },
      sortKey: { name: 'version', type: 'N' },
      globalSecondaryIndexes: [
        {
          indexName: 'by-owner',
          partitionKey: { name: 'owner', type: 'S' },
          sortKey: { name: 'at', type: 'S' },
          projection: 'KEYS_ONLY',
        },
      ],
      timeToLiveAttribute: 'ttl',
      stream: 'NEW_IMAGE',
    };
    new DuebellData(stack, 'Data', { tableName: 'duebell-test', definition });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'duebell-test',
      KeySchema: [
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'version', AttributeType: 'N' }]),
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'by-owner', Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });
});

describe('grantTableAccess', () => {
  it('grants item actions on the table, Query on the named indexes alone, and use of the table key', () => {
    const stack = bareStack();
    const data = new DuebellData(stack, 'Data');
    const fn = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
    grantTableAccess(data.table, fn, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query index/due-date',
    ]);
    const template = Template.fromStack(stack);
    const onIndex = { 'Fn::Join': ['', [arnOf(data.table), '/index/due-date']] };
    expect(actionsOn(template, fn, arnOf(data.table)).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    expect(actionsOn(template, fn, onIndex)).toEqual(['dynamodb:Query']);
    expect(actionsOn(template, fn, arnOf(data.tableKey)).sort()).toEqual([...TABLE_KEY_ACTIONS]);
  });

  it('grants nothing on the table or its key to a function with no access', () => {
    const stack = bareStack();
    const data = new DuebellData(stack, 'Data');
    const fn = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
    grantTableAccess(data.table, fn, []);
    expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toEqual({});
  });
});
