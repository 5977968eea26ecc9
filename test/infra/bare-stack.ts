import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';

/**
 * App context that skips bundling: the template is the same but for the code assets' hashes, and no
 * esbuild runs (nine bundles take most of a minute on two cores). Only the cdk-nag test bundles.
 */
export const skipBundling = { [BUNDLING_STACKS]: [] };

/** A stack of its own, in an app that skips bundling, to put one construct in. */
export function bareStack(): Stack {
  return new Stack(new App({ context: skipBundling }), 'Test');
}

/** The path of a function's handler module, as the stack gives it. */
export const handlerEntry = (name: string): string =>
  fileURLToPath(new URL(`../../functions/${name}/handler.ts`, import.meta.url));

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** `{ Ref }` and `{ Fn::GetAtt }` of a construct's resource, as the template writes them. */
export const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
export const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });

export interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
  readonly Condition?: unknown;
}

/** Every statement of the policies attached to the function's role. */
export function statementsOf(template: Template, fn: IFunction): Statement[] {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const role = ref(fn.role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(role)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** The actions granted to the function's role. */
export const actionsOf = (template: Template, fn: IFunction): string[] =>
  statementsOf(template, fn).flatMap((s) => [s.Action].flat());

/** The actions granted to the function's role on one resource (as the template writes it). */
export const actionsOn = (template: Template, fn: IFunction, resource: unknown): string[] =>
  statementsOf(template, fn)
    .filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap((s) => [s.Action].flat());

/** The environment variables of the function, as the template writes them. */
export function environmentOf(template: Template, fn: IFunction): Record<string, unknown> {
  const resource = template.toJSON().Resources[logicalId(fn)];
  if (!resource) throw new Error(`${fn.node.path} is not in the template`);
  return resource.Properties.Environment.Variables;
}

/** A state of an Amazon States Language definition, as far as the tests read it. */
export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly TimestampPath?: string;
  readonly Retry?: {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
  }[];
  readonly Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  readonly Choices?: { Variable: string; StringEquals?: string; Next: string }[];
  readonly Default?: string;
  readonly Error?: string;
  readonly [key: string]: unknown;
}

/** A placeholder ARN for a `{ Ref }` or `{ Fn::GetAtt: [id, 'Arn'] }` inside a definition. */
export const placeholderArn = (logicalIdOrPseudo: string) => `arn:placeholder:${logicalIdOrPseudo}`;

/**
 * The state machine's definition, parsed: the `Fn::Join` CloudFormation writes is resolved with
 * `placeholderArn` for each reference (a function's ARN becomes `placeholderArn(<its logical id>)`).
 */
export function definitionOf(
  template: Template,
  stateMachine: IConstruct,
): { StartAt: string; States: Record<string, AslState> } {
  const resource = template.toJSON().Resources[logicalId(stateMachine)];
  if (!resource) throw new Error(`${stateMachine.node.path} is not in the template`);
  const definition: unknown = resource.Properties.DefinitionString;
  const parts =
    typeof definition === 'string'
      ? [definition]
      : (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const { Ref: refTo, 'Fn::GetAtt': getAtt } = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (refTo) return placeholderArn(refTo);
      if (getAtt?.[1] === 'Arn') return placeholderArn(getAtt[0]);
      throw new Error(`unexpected token in the definition: ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text);
}

/** Asserts the queue's policy denies every SQS action over plain HTTP. */
export function expectSslOnly(template: Template, queue: IConstruct): void {
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [ref(queue)],
    PolicyDocument: {
      Statement: [
        Match.objectLike({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ],
    },
  });
}

/** A dashboard's body with every token written as `<token>`: the widgets as CloudWatch reads them. */
export function dashboardWidgets(template: Template, dashboard: IConstruct): DashboardWidget[] {
  const body = template.toJSON().Resources[logicalId(dashboard)].Properties.DashboardBody;
  const parts: unknown[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  const text = parts.map((p) => (typeof p === 'string' ? p : '<token>')).join('');
  return JSON.parse(text).widgets;
}

/** A widget of a dashboard body, as far as the tests read it. */
export interface DashboardWidget {
  type: string;
  x: number;
  y: number;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; annotations?: unknown };
}

/** The widgets under each row's header, by row. */
export function widgetsByRow(widgets: DashboardWidget[]): Record<string, DashboardWidget[]> {
  const headers = widgets
    .filter((w) => w.type === 'text' && w.properties.markdown?.startsWith('## '))
    .map((w) => ({ row: (w.properties.markdown as string).slice(3).split('\n')[0] as string, y: w.y }))
    .sort((a, b) => a.y - b.y);
  const rows: Record<string, DashboardWidget[]> = {};
  for (const [i, h] of headers.entries()) {
    const next = headers[i + 1]?.y ?? Number.POSITIVE_INFINITY;
    rows[h.row] = widgets.filter((w) => w.y > h.y && w.y < next).sort((a, b) => a.y - b.y || a.x - b.x);
  }
  return rows;
}
