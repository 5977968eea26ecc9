import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * How every function is bundled, shared with the cold-start benchmark so it measures what is deployed.
 */
export const lambdaBundle = {
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); ESM bundles need it defined.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // The AWS SDK is bundled rather than taken from the runtime: tree-shaken and minified it loads faster,
  // and every function runs the SDK version the tests ran.
  external: [] as string[],
} as const;

/**
 * The CDK context key that turns X-Ray off for a deployment (`cdk deploy -c duebell:tracing=off`): the
 * functions, the API stage and the state machine stop tracing, and the bundles leave out Powertools Tracer
 * and the X-Ray SDK, about 125 KB and most of what a cold start loads beyond the SDK clients (README,
 * Benchmarks). On by default.
 */
export const TRACING_CONTEXT = 'duebell:tracing';

/** Whether this deployment traces: anything but `off` (or `false`) in the context means it does. */
export function tracingOn(scope: Construct): boolean {
  const value = scope.node.tryGetContext(TRACING_CONTEXT);
  return !(value === false || value === 'false' || value === 'off');
}

/**
 * The build-time constant `shared/wiring/aws-app-deps.ts` tests to import the Tracer or not: esbuild
 * leaves the branch not taken, and what only it imports, out of the bundle.
 */
export const tracingDefine = (on: boolean) => ({
  'process.env.DUEBELL_TRACING': JSON.stringify(on ? 'active' : 'off'),
});

/** The Powertools service name and metrics namespace every function is given. */
export const powertools = { serviceName: 'duebell', metricsNamespace: 'Duebell' } as const;

/**
 * A custom metric as the functions publish it through Powertools Metrics: in the `Duebell` namespace,
 * under the `service` dimension Powertools adds to every metric (an alarm on the metric without it
 * would watch a metric no one publishes).
 */
export function functionMetric(metricName: string, options: MetricOptions = {}): Metric {
  return new Metric({
    ...options,
    namespace: powertools.metricsNamespace,
    metricName,
    dimensionsMap: { service: powertools.serviceName },
  });
}

export interface DuebellFunctionProps {
  /** Path of the handler module (exports `handler`). */
  readonly entry: string;
  /**
   * Environment variables, added to (and able to replace) `NODE_OPTIONS=--enable-source-maps` and the
   * Powertools service name (`duebell`) and metrics namespace (`Duebell`) every function gets.
   * @default - only those three
   */
  readonly environment?: Record<string, string>;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /**
   * Memory in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /** @default - unreserved: the function shares the account's unreserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * Every Duebell Lambda: Node 24 on ARM64, an ESM bundle built by the local esbuild (no Docker),
 * minified with source maps, X-Ray tracing (unless the deployment turns it off), and a log group with
 * retention.
 */
export class DuebellFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: DuebellFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const traced = tracingOn(this);
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: traced ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: powertools.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: powertools.metricsNamespace,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: lambdaBundle.target,
        minify: lambdaBundle.minify,
        sourceMap: true,
        forceDockerBundling: false,
        mainFields: [...lambdaBundle.mainFields],
        banner: lambdaBundle.banner,
        externalModules: [...lambdaBundle.external],
        define: tracingDefine(traced),
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The AWS-managed basic execution role only lets the function write to its own CloudWatch log group.',
    });
    if (traced)
      Validations.of(this.function).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.',
      });
  }
}
