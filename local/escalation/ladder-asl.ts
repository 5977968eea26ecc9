import { App, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { ladderDefinitionBody } from '#infra/constructs/escalation-definition.ts';
import type { Rules } from '#shared/config/rules.ts';

/** A placeholder for the step function's ARN: locally every task state is bound to a handler by name. */
const LOCAL_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:duebell-escalation-step';

const cache = new Map<string, Record<string, unknown>>();

/**
 * The ladder's state machine as `cdk synth` renders it (the same `ladderDefinitionBody` the stack
 * deploys), with the function's ARN filled in: the definition `aws-local-stepfunctions` runs.
 */
export function ladderAsl(ladder: Rules['collection']['ladder']): Record<string, unknown> {
  const key = JSON.stringify(ladder);
  // A copy each time: the local runner adds its defaults to the definition it is given.
  const cached = cache.get(key);
  if (cached) return structuredClone(cached);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LocalLadder');
  const step = new LambdaFunction(stack, 'Step', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({})'),
  });
  new StateMachine(stack, 'Ladder', { definitionBody: ladderDefinitionBody(stack, ladder, step) });
  const template = app.synth().getStackByName('LocalLadder').template as {
    Resources: Record<string, { Type: string; Properties: { DefinitionString: unknown } }>;
  };
  const machine = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (!machine) throw new Error('the synthesized stack has no state machine');
  const asl = JSON.parse(renderJoin(machine.Properties.DefinitionString)) as Record<string, unknown>;
  cache.set(key, asl);
  return structuredClone(asl);
}

/** Fn::Join of strings and the function's Fn::GetAtt, as CloudFormation would render it here. */
function renderJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return LOCAL_FUNCTION_ARN;
  return join[1].map(renderJoin).join(join[0]);
}
