import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  DuebellFunction,
  lambdaBundle,
  TRACING_CONTEXT,
  tracingDefine,
} from '../../infra/constructs/node-function.ts';
import { bareStack, handlerEntry, logicalId, skipBundling } from './bare-stack.ts';

const resourceOf = (template: Template, fn: DuebellFunction) =>
  template.toJSON().Resources[logicalId(fn.function)];

describe('DuebellFunction', () => {
  it('runs Node 24 on ARM64 with tracing, 512 MB, 10 s, unreserved, logging to its own month-long log group', () => {
    const stack = bareStack();
    const fn = new DuebellFunction(stack, 'Fn', { entry: handlerEntry('openapi') });
    const template = Template.fromStack(stack);
    const props = resourceOf(template, fn).Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: 10,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'duebell',
          POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
        },
      },
    });
    expect(Object.keys(props.Environment.Variables)).toHaveLength(3);
    expect(props.ReservedConcurrentExecutions).toBeUndefined();
    const logGroupId = logicalId(fn.node.findChild('Logs'));
    expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect(template.toJSON().Resources[logGroupId]).toMatchObject({
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
  });

  it('takes the given environment, timeout, memory, reserved concurrency and log retention', () => {
    const stack = bareStack();
    const fn = new DuebellFunction(stack, 'Fn', {
      entry: handlerEntry('openapi'),
      environment: { TABLE_NAME: 't', POWERTOOLS_SERVICE_NAME: 'other' },
      timeout: Duration.seconds(30),
      memorySize: 256,
      reservedConcurrentExecutions: 4,
      logRetention: RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    expect(resourceOf(template, fn).Properties).toMatchObject({
      Timeout: 30,
      MemorySize: 256,
      ReservedConcurrentExecutions: 4,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'other',
          POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
          TABLE_NAME: 't',
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('stops tracing where the deployment turns it off, and leaves the X-Ray SDK out of its bundle', async () => {
    const stack = new Stack(new App({ context: { ...skipBundling, [TRACING_CONTEXT]: 'off' } }), 'Untraced');
    const fn = new DuebellFunction(stack, 'Fn', { entry: handlerEntry('preferences') });
    const props = resourceOf(Template.fromStack(stack), fn).Properties;
    expect(props.TracingConfig).toBeUndefined();
    // The bundle as CDK builds it for each setting: the Tracer (and the X-Ray SDK under it) only when traced.
    const inputsOf = async (traced: boolean) => {
      const { metafile } = await build({
        entryPoints: [handlerEntry('preferences')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: lambdaBundle.target,
        mainFields: [...lambdaBundle.mainFields],
        define: tracingDefine(traced),
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      return Object.keys(metafile.inputs);
    };
    const xray = (inputs: string[]) =>
      inputs.filter((path) => path.includes('node_modules/aws-xray-sdk-core/'));
    expect(xray(await inputsOf(true)).length).toBeGreaterThan(0);
    expect(xray(await inputsOf(false))).toEqual([]);
  });
});
