import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type FunctionName, opsRouteTable, routeTable } from '#shared/http/route-table.ts';
import type { DeployedFunction, TableGrant } from '#shared/storage/table-access.ts';

const runningFunction = new AsyncLocalStorage<DeployedFunction>();

/** Runs `handler` as the deployed function `name`: the DynamoDB calls it makes are that function's. */
export function asFunction<A extends unknown[], R>(
  name: DeployedFunction,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args) => runningFunction.run(name, () => handler(...args));
}

const functionByRoute = new Map<string, DeployedFunction>([
  ...Object.entries(routeTable).flatMap(([fn, keys]) => keys.map((k) => [k, fn as FunctionName] as const)),
  ...opsRouteTable.ops.map((k) => [k, 'ops'] as const),
]);

function functionOfRoute(key: string): DeployedFunction {
  const fn = functionByRoute.get(key);
  if (!fn) throw new Error(`route ${key} is in no function of the route table`);
  return fn;
}

/** Each route's handler run as the function the route table deploys it in. */
export function asRouteFunctions<R extends Record<string, (...args: never[]) => Promise<unknown>>>(
  routes: R,
): R {
  return Object.fromEntries(
    Object.entries(routes).map(([key, handler]) => [key, asFunction(functionOfRoute(key), handler)]),
  ) as R;
}

const TRANSACTION_PARTS = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
} as const;

/**
 * What each function asks of the table, as IAM would authorize it: the action of every command, each
 * part of a transaction as its item action, and a Query on an index as a grant on that index. Locally
 * every function shares one client; the running function is known from `asFunction`.
 */
export class TableAccessRecorder {
  readonly observed = new Map<DeployedFunction, Set<TableGrant>>();
  /** Every call in order, by function and command name: how many round trips a request takes. */
  readonly calls: { function: DeployedFunction; command: string }[] = [];

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const fn = runningFunction.getStore();
        if (fn) {
          this.calls.push({ function: fn, command: context.commandName ?? '' });
          for (const grant of grantsOf(context.commandName ?? '', args.input as never)) this.add(fn, grant);
        }
        return next(args);
      },
      { step: 'initialize', name: 'tableAccessRecorder' },
    );
  }

  private add(fn: DeployedFunction, grant: TableGrant): void {
    const set = this.observed.get(fn) ?? new Set<TableGrant>();
    set.add(grant);
    this.observed.set(fn, set);
  }
}

function grantsOf(
  commandName: string,
  input: { IndexName?: string; TransactItems?: object[] },
): TableGrant[] {
  const action = `dynamodb:${commandName.replace(/Command$/, '')}`;
  if (action === 'dynamodb:Query' && input.IndexName) return [`dynamodb:Query index/${input.IndexName}`];
  const parts = (input.TransactItems ?? []).flatMap((item) =>
    Object.keys(item).map((part) => TRANSACTION_PARTS[part as keyof typeof TRANSACTION_PARTS]),
  );
  return [action, ...parts].filter(Boolean) as TableGrant[];
}
