import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { type FunctionName, opsRouteTable, routeTable } from '#shared/http/route-table.ts';
import { DuebellFunction } from '../../infra/constructs/node-function.ts';
import { OpsUsers } from '../../infra/constructs/ops-users.ts';
import { PartnerApi, type PartnerApiProps } from '../../infra/constructs/partner-api.ts';
import { bareStack, handlerEntry, logicalId, ref } from './bare-stack.ts';

const names = Object.keys(routeTable) as FunctionName[];

function apiIn(stack: Stack, props: Partial<PartnerApiProps> = {}) {
  const functions = Object.fromEntries(
    names.map((name) => [name, new DuebellFunction(stack, name, { entry: handlerEntry(name) }).function]),
  ) as Record<FunctionName, NodejsFunction>;
  const api = new PartnerApi(stack, 'PartnerApi', { functions, ...props });
  return { api, functions };
}

describe('PartnerApi with the rules’ defaults', () => {
  let template: Template;
  let parts: ReturnType<typeof apiIn>;
  beforeAll(() => {
    const stack = bareStack();
    parts = apiIn(stack);
    template = Template.fromStack(stack);
  });

  it('routes every route of the route table to its function, each method requiring an API key', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(Object.values(routeTable).flat().length);
    for (const m of methods) expect(m.Properties.ApiKeyRequired).toBe(true);
    for (const name of names) {
      const id = logicalId(parts.functions[name]);
      const routed = methods.filter((m) => JSON.stringify(m.Properties.Integration.Uri).includes(`"${id}"`));
      expect(routed.map((m) => m.Properties.HttpMethod)).toEqual(
        routeTable[name].map((key) => key.split(' ')[0]),
      );
    }
  });

  it('issues no key and no usage plan itself, and tells `duebell partners` the API, stage and per-partner limits (50 requests/s, bursts of 100, 100,000 a day)', () => {
    expect(defaultRules.api).toMatchObject({
      throttleRatePerSecond: 50,
      throttleBurst: 100,
      quotaPerDay: 100_000,
    });
    // Partners come and go without a redeploy: their keys and plans are the directory's, not the template's.
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['PartnerApiId', 'PartnerApiStage', 'PartnerUsagePlan']),
    );
    expect(outputs.PartnerApiId?.Value).toEqual(ref(parts.api.api));
    expect(JSON.parse(outputs.PartnerUsagePlan?.Value as string)).toEqual({
      rateLimit: 50,
      burstLimit: 100,
      quotaPerDay: 100_000,
    });
  });

  it('lets the v1 stage carry 20 partners at their limit, with tracing, error logs and no data traces', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 20 * 50,
          ThrottlingBurstLimit: 20 * 100,
        },
      ],
    });
  });

  it('logs access for a year, with request ids and statuses but no caller or user', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format);
    expect(Object.keys(format).sort()).toEqual(
      [
        'httpMethod',
        'ip',
        'protocol',
        'requestId',
        'requestTime',
        'resourcePath',
        'responseLength',
        'status',
      ].sort(),
    );
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('answers bodies over 64 KiB with 413 through a WAF web ACL on the stage', () => {
    expect(defaultRules.api.maxBodyBytes).toBe(64 * 1024);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      AssociationConfig: { RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } } },
      CustomResponseBodies: {
        tooLarge: {
          ContentType: 'APPLICATION_JSON',
          Content: JSON.stringify({
            error: 'payload_too_large',
            message: 'the body is over the 65536-byte limit',
          }),
        },
      },
      Rules: [
        Match.objectLike({
          Action: { Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'tooLarge' } } },
          Statement: {
            SizeConstraintStatement: {
              ComparisonOperator: 'GT',
              Size: 65_536,
              FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
        }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  it('answers a bad key with 401, throttling and quota with 429 and Retry-After, an unknown route with 404, in the error contract', () => {
    const responses = template.findResources('AWS::ApiGateway::GatewayResponse');
    const byType = Object.fromEntries(
      Object.values(responses).map((r) => [r.Properties.ResponseType, r.Properties]),
    );
    const bodyOf = (type: string) => JSON.parse(byType[type].ResponseTemplates['application/json']);
    expect(byType.INVALID_API_KEY.StatusCode).toBe('401');
    expect(bodyOf('INVALID_API_KEY')).toEqual({
      error: 'unauthorized',
      message: 'a valid x-api-key header is required',
    });
    for (const type of ['THROTTLED', 'QUOTA_EXCEEDED']) {
      expect(byType[type].StatusCode).toBe('429');
      expect(byType[type].ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
      expect(bodyOf(type).error).toBe('throttled');
    }
    expect(byType.MISSING_AUTHENTICATION_TOKEN.StatusCode).toBe('404');
    expect(bodyOf('MISSING_AUTHENTICATION_TOKEN').error).toBe('not_found');
    expect(byType.DEFAULT_4XX.ResponseTemplates['application/json']).toContain('"error":"invalid_request"');
    expect(bodyOf('DEFAULT_5XX').error).toBe('internal_error');
  });
});

describe('PartnerApi with its options', () => {
  it('uses the given throttle, burst, quota and body limit', () => {
    const stack = bareStack();
    apiIn(stack, {
      maxPartners: 3,
      throttleRatePerSecond: 7,
      throttleBurst: 9,
      quotaPerDay: 1000,
      maxBodyBytes: 16 * 1024,
    });
    const template = Template.fromStack(stack);
    expect(JSON.parse(template.findOutputs('PartnerUsagePlan').PartnerUsagePlan?.Value as string)).toEqual({
      rateLimit: 7,
      burstLimit: 9,
      quotaPerDay: 1000,
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 21, ThrottlingBurstLimit: 27 })],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [
        Match.objectLike({
          Statement: { SizeConstraintStatement: Match.objectLike({ Size: 16 * 1024 }) },
        }),
      ],
    });
  });

  it('refuses a body limit over the 64 KiB WAF inspects', () => {
    expect(() => apiIn(bareStack(), { maxBodyBytes: 64 * 1024 + 1 })).toThrow(
      /65537 is over the 65536 bytes/,
    );
  });
});

describe('PartnerApi with the ops routes', () => {
  let template: Template;
  beforeAll(() => {
    const stack = bareStack();
    const opsFunction = new DuebellFunction(stack, 'ops', { entry: handlerEntry('ops') }).function;
    const users = new OpsUsers(stack, 'OpsUsers');
    apiIn(stack, { ops: { function: opsFunction, userPool: users.userPool } });
    template = Template.fromStack(stack);
  });

  const methods = () =>
    Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => {
      const path = (m.Properties.ResourceId as { Ref?: string }).Ref ?? '';
      return { path, props: m.Properties };
    });
  const authorizerId = () => Object.keys(template.findResources('AWS::ApiGateway::Authorizer'))[0];

  it('has one Cognito authorizer, on the desk’s user pool', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
    });
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
    for (const group of ['agent', 'supervisor'])
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
  });

  it('puts the Cognito authorizer on every /v1/ops/ method, without an API key, and on no partner method', () => {
    const all = methods();
    expect(all).toHaveLength(Object.values(routeTable).flat().length + opsRouteTable.ops.length);
    const withCognito = all.filter((m) => m.props.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(withCognito).toHaveLength(opsRouteTable.ops.length);
    for (const m of withCognito) {
      expect(m.props.AuthorizerId).toEqual({ Ref: authorizerId() });
      expect(m.props.ApiKeyRequired).toBe(false);
      expect(m.path).toMatch(/Apiv1ops/);
    }
    const partnerMethods = all.filter((m) => m.props.AuthorizationType !== 'COGNITO_USER_POOLS');
    expect(partnerMethods).toHaveLength(Object.values(routeTable).flat().length);
    for (const m of partnerMethods) {
      expect(m.props.ApiKeyRequired).toBe(true);
      expect(m.props.AuthorizerId).toBeUndefined();
      expect(m.path).not.toMatch(/Apiv1ops/);
    }
  });
});
