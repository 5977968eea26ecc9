import { CfnOutput, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Resource,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { defaultRules } from '#shared/config/rules.ts';
import { type FunctionName, opsRouteTable, routeTable, splitRouteKey } from '#shared/http/route-table.ts';
import { tracingOn } from './node-function.ts';

export interface PartnerApiProps {
  /** One function per entry of the shared route table. */
  readonly functions: Record<FunctionName, NodejsFunction>;
  /**
   * The collection desk's routes (`opsRouteTable`): their function and the user pool whose ID tokens open
   * them. Every ops method has the pool's authorizer and no API key; no partner method has the authorizer.
   */
  readonly ops?: { readonly function: NodejsFunction; readonly userPool: IUserPool };
  /**
   * Partners the stage is sized for: it allows the per-partner rate and burst times this many. Partners
   * themselves are added without a redeploy (`duebell partners add`), each with its key and usage plan.
   * @default 20
   */
  readonly maxPartners?: number;
  /**
   * Steady requests per second per partner (its usage plan, written by `duebell partners add`); the
   * stage allows this times `maxPartners`.
   * @default defaultRules.api.throttleRatePerSecond (50)
   */
  readonly throttleRatePerSecond?: number;
  /**
   * Burst of requests per partner (its usage plan); the stage allows this times `maxPartners`.
   * @default defaultRules.api.throttleBurst (100)
   */
  readonly throttleBurst?: number;
  /**
   * Requests per partner per day (its usage plan).
   * @default defaultRules.api.quotaPerDay (100,000)
   */
  readonly quotaPerDay?: number;
  /**
   * Largest accepted body in bytes, at most 64 KiB (what WAF inspects of an API Gateway request); larger
   * bodies are refused with 413 before any Lambda runs.
   * @default defaultRules.api.maxBodyBytes (65,536)
   */
  readonly maxBodyBytes?: number;
}

/** WAF inspects at most this much of an API Gateway request body (`KB_64`); beyond it, oversize handling applies. */
const WAF_BODY_INSPECTION_BYTES = 64 * 1024;

/**
 * The partner-facing REST API (stage v1): every method requires an API key; one usage plan per partner
 * with throttle and quota; access logs; a WAF rule that answers bodies over the limit with 413.
 */
export class PartnerApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: PartnerApiProps) {
    super(scope, id);
    const {
      throttleRatePerSecond = defaultRules.api.throttleRatePerSecond,
      throttleBurst = defaultRules.api.throttleBurst,
      quotaPerDay = defaultRules.api.quotaPerDay,
      maxBodyBytes = defaultRules.api.maxBodyBytes,
      maxPartners = 20,
    } = props;
    if (maxBodyBytes > WAF_BODY_INSPECTION_BYTES) {
      throw new Error(
        `maxBodyBytes ${maxBodyBytes} is over the ${WAF_BODY_INSPECTION_BYTES} bytes WAF inspects: bodies between the two would be refused too`,
      );
    }
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.api = new RestApi(this, 'Api', {
      restApiName: 'duebell-partner-api',
      description: 'Duebell partner API',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Request ids, partner key ids and status codes only: no bodies, so no personal data.
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: tracingOn(this),
        // Per-method metrics: the dashboard's p99 per route.
        metricsEnabled: true,
        throttlingRateLimit: throttleRatePerSecond * maxPartners,
        throttlingBurstLimit: throttleBurst * maxPartners,
      },
      defaultMethodOptions: { apiKeyRequired: true },
    });
    this.answerInTheErrorContract();

    for (const [fn, keys] of Object.entries(routeTable) as [FunctionName, readonly string[]][]) {
      const integration = new LambdaIntegration(props.functions[fn]);
      for (const key of keys) {
        const { method, resource } = splitRouteKey(key);
        this.resourceFor(resource).addMethod(method, integration, { apiKeyRequired: true });
      }
    }

    if (props.ops) this.addOpsRoutes(props.ops.function, props.ops.userPool);

    // What `duebell partners add --stack` reads to give a new partner its key and usage plan.
    new CfnOutput(this, 'RestApiId', { key: 'PartnerApiId', value: this.api.restApiId });
    new CfnOutput(this, 'StageName', { key: 'PartnerApiStage', value: this.api.deploymentStage.stageName });
    new CfnOutput(this, 'UsagePlanLimits', {
      key: 'PartnerUsagePlan',
      value: JSON.stringify({ rateLimit: throttleRatePerSecond, burstLimit: throttleBurst, quotaPerDay }),
    });
    this.addBodyLimit(maxBodyBytes);
    this.acknowledgeFindings();
  }

  /** The ops routes: Cognito only. An API key is neither required nor enough (partner keys never open them). */
  private addOpsRoutes(fn: NodejsFunction, userPool: IUserPool): void {
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'OpsAuthorizer', {
      cognitoUserPools: [userPool],
      authorizerName: 'duebell-ops-users',
    });
    const integration = new LambdaIntegration(fn);
    for (const key of opsRouteTable.ops) {
      const { method, resource } = splitRouteKey(key);
      this.resourceFor(resource).addMethod(method, integration, {
        apiKeyRequired: false,
        authorizationType: AuthorizationType.COGNITO,
        authorizer,
      });
    }
  }

  private resourceFor(path: string): Resource {
    let node = this.api.root as Resource;
    for (const part of path.split('/').filter(Boolean))
      node = (node.getResource(part) as Resource) ?? node.addResource(part);
    return node;
  }

  /** API Gateway has no body-size setting; WAF inspects up to 64 KiB and answers anything larger with 413. */
  private addBodyLimit(maxBodyBytes: number): void {
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'duebell-api',
        sampledRequestsEnabled: false,
      },
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_64' } } },
      customResponseBodies: {
        tooLarge: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: 'payload_too_large',
            message: `the body is over the ${maxBodyBytes}-byte limit`,
          }),
        },
      },
      rules: [
        {
          name: 'body-size-limit',
          priority: 0,
          action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'tooLarge' } } },
          statement: {
            sizeConstraintStatement: {
              fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
              comparisonOperator: 'GT',
              size: maxBodyBytes,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'duebell-body-size',
            sampledRequestsEnabled: false,
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
  }

  private acknowledgeFindings(): void {
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated by the zod schemas in the handlers, which answer with the error contract and field paths; a gateway validator would answer in another shape.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Partner methods authenticate with per-partner API keys and usage plans (README, Partner API): partners are backends, not end users with IAM or Cognito identities. The ops methods (/v1/ops/) have the Cognito user pool authorizer.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Partner methods are called by partner backends identified by their API keys, not by users of a pool; the ops methods (/v1/ops/) use the Cognito user pool authorizer.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway needs to write execution logs; AWS-managed and scoped to CloudWatch Logs.',
    });
  }

  /**
   * What the gateway answers itself (a bad key, throttling, a quota, an unknown route) in the error
   * contract the OpenAPI document promises: 401 for a missing or unknown key (the gateway's own default
   * is 403 "Forbidden"), 429 with `Retry-After` when throttled or over quota, 404 for an unknown route,
   * and the contract's JSON body for any other gateway 4xx or 5xx.
   */
  private answerInTheErrorContract(): void {
    const body = (error: string, message: string) => ({
      'application/json': JSON.stringify({ error, message }),
    });
    const json = { 'Content-Type': "'application/json'" };
    this.api.addGatewayResponse('InvalidApiKey', {
      type: ResponseType.INVALID_API_KEY,
      statusCode: '401',
      responseHeaders: json,
      templates: body('unauthorized', 'a valid x-api-key header is required'),
    });
    for (const [id, type] of [
      ['Throttled', ResponseType.THROTTLED],
      ['QuotaExceeded', ResponseType.QUOTA_EXCEEDED],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        statusCode: '429',
        responseHeaders: { ...json, 'Retry-After': "'1'" },
        templates: body(
          'throttled',
          'too many requests for this partner; retry after the Retry-After seconds',
        ),
      });
    }
    this.api.addGatewayResponse('UnknownRoute', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: json,
      templates: body('not_found', 'route was not found'),
    });
    this.api.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: json,
      templates: { 'application/json': '{"error":"invalid_request","message":$context.error.messageString}' },
    });
    this.api.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      responseHeaders: json,
      templates: {
        'application/json': '{"error":"internal_error","message":"something went wrong; retry later"}',
      },
    });
  }
}
