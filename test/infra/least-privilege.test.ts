import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONS_BY_COMMAND,
  ACTIONS_BY_TRANSACTION_PART,
  type DeployedFunction,
  TABLE_ACCESS,
  TABLE_ITEM_ACTIONS,
} from '#shared/storage/table-access.ts';
import { buildApp } from '../../infra/app.ts';
import { skipBundling } from './bare-stack.ts';

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every Allow statement of every IAM policy in the synthesized stack, with the policy's logical id. */
function allowStatements(template: Template): { policy: string; actions: string[] }[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies).flatMap(([policy, resource]) =>
    (resource.Properties.PolicyDocument.Statement as PolicyStatement[])
      .filter((s) => s.Effect === 'Allow')
      .map((s) => ({ policy, actions: [s.Action].flat() })),
  );
}

describe('IAM policies of the whole stack', () => {
  let statements: { policy: string; actions: string[] }[];
  let template: Template;
  let stack: ReturnType<typeof buildApp>['stack'];
  beforeAll(() => {
    stack = buildApp({}, skipBundling).stack;
    template = Template.fromStack(stack);
    statements = allowStatements(template);
  });

  it('open the field key per function for one action and named fields only, under an encryption context', () => {
    const fieldKey = stack.resolve(stack.data.fieldKey.keyArn);
    const grants: Record<string, string[]> = {};
    for (const resource of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of resource.Properties.PolicyDocument.Statement as (PolicyStatement & {
        Condition?: { StringEquals?: Record<string, string[]> };
      })[]) {
        if (JSON.stringify(s.Resource) !== JSON.stringify(fieldKey)) continue;
        const fields = s.Condition?.StringEquals?.['kms:EncryptionContext:field'] ?? ['ANY FIELD'];
        const role = stack.resolve(resource.Properties.Roles)[0].Ref as string;
        grants[role] = [...(grants[role] ?? []), `${[s.Action].flat().join('+')} ${fields.join(',')}`];
      }
    }
    const roleOf = (fn: { role?: unknown }) =>
      stack.resolve((fn.role as { roleName: string }).roleName).Ref as string;
    expect(grants).toEqual({
      [roleOf(stack.functions.applications)]: ['kms:Encrypt name,phone,email'],
      [roleOf(stack.contactQueue.sender)]: ['kms:Decrypt phone,email'],
      [roleOf(stack.contactQueue.inboundSms)]: ['kms:Encrypt complaintText'],
      [roleOf(stack.opsFunction)]: ['kms:Decrypt complaintText,name,phone,email'],
    });
  });

  it('give each function on the table exactly the grants of TABLE_ACCESS: its actions, and Query on the indexes it queries alone', () => {
    const functions: Record<DeployedFunction, { role?: unknown }> = {
      ...stack.functions,
      ops: stack.opsFunction,
      sweep: stack.dailySweep.sweep,
      'sweep-slice': stack.dailySweep.sliceWorker,
      'send-contact': stack.contactQueue.sender,
      'inbound-sms': stack.contactQueue.inboundSms,
      'escalation-step': stack.escalation.stepFunction,
      ageing: stack.dailyAgeing.ageing,
      'outbox-publisher': stack.outbox.publisher,
    };
    const table = JSON.stringify(stack.resolve(stack.data.table.tableArn));
    const grantsOf = (role: string) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => stack.resolve(p.Properties.Roles)[0].Ref === role)
        .flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyStatement[])
        .flatMap((s) =>
          [s.Resource].flat().flatMap((resource) => {
            const text = JSON.stringify(resource);
            const actions = [s.Action].flat();
            if (text === table) return actions;
            const index = /^\{"Fn::Join":\["",\[(.*),"\/index\/([\w-]+)"\]\]\}$/.exec(text);
            return index && index[1] === table ? actions.map((a) => `${a} index/${index[2]}`) : [];
          }),
        )
        .sort();
    for (const [name, fn] of Object.entries(functions)) {
      const role = stack.resolve((fn.role as { roleName: string }).roleName).Ref as string;
      expect(grantsOf(role), name).toEqual([...TABLE_ACCESS[name as DeployedFunction]].sort());
    }
  });

  it('name every action in full: no `*`, no `service:*`, no `Prefix*`', () => {
    const wildcards = statements.flatMap((s) =>
      s.actions.filter((a) => a.includes('*')).map((a) => `${s.policy}: ${a}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('grant Scan to no function', () => {
    expect(statements.filter((s) => s.actions.includes('dynamodb:Scan'))).toEqual([]);
  });

  it('grant on the table only the item actions the repositories call, and stream reads to the outbox publisher alone', () => {
    const dynamodb = statements.flatMap((s) => s.actions.filter((a) => a.startsWith('dynamodb:')));
    const streamReads = [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ];
    expect([...new Set(dynamodb)].sort()).toEqual([...TABLE_ITEM_ACTIONS, ...streamReads].sort());
    const readers = statements.filter((s) => s.actions.includes('dynamodb:GetRecords')).map((s) => s.policy);
    expect(readers).toHaveLength(1);
    expect(readers[0]).toMatch(/Outbox/);
  });
});

describe('TABLE_ITEM_ACTIONS', () => {
  const storage = fileURLToPath(new URL('../../shared/storage/', import.meta.url));
  // create-table.ts builds tables for the local stack and the tests; no function ships it.
  const runtimeFiles = readdirSync(storage).filter((f) => f.endsWith('.ts') && f !== 'create-table.ts');
  const source = runtimeFiles.map((f) => readFileSync(`${storage}${f}`, 'utf8')).join('\n');

  it('are exactly the actions of the commands the repositories send, and of the parts of their transactions', () => {
    const commands = [...source.matchAll(/new (\w+Command)\(/g)].map((m) => m[1] as string);
    const unknown = commands.filter((c) => !(c in ACTIONS_BY_COMMAND));
    expect(unknown).toEqual([]);
    const parts = [...source.matchAll(/^\s+(Put|Update|Delete|ConditionCheck): ?\{/gm)].map(
      (m) => m[1] as string,
    );
    expect(parts.filter((p) => !(p in ACTIONS_BY_TRANSACTION_PART))).toEqual([]);
    const used = new Set([
      ...commands.map((c) => ACTIONS_BY_COMMAND[c as keyof typeof ACTIONS_BY_COMMAND]),
      ...parts.map((p) => ACTIONS_BY_TRANSACTION_PART[p as keyof typeof ACTIONS_BY_TRANSACTION_PART]),
    ]);
    // Nothing granted that no code calls.
    expect([...used].sort()).toEqual([...TABLE_ITEM_ACTIONS]);
  });
});
