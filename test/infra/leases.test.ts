import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { buildApp } from '../../infra/app.ts';
import type { DuebellStack } from '../../infra/duebell-stack.ts';
import { logicalId, skipBundling } from './bare-stack.ts';

/**
 * A lease lets another worker take over what a dead holder left: an idempotency record in progress, a
 * ledger claim, a sweep slice. A lease is always shorter than the invocation that holds it: a retry of an
 * invocation that timed out finds the lease run out and takes the work over, instead of finding it "in
 * progress" and giving up (how a failed sweep was once never redone). Holders renew (the slices, after
 * each page) or finish well inside their lease, and their writes are conditional on still holding it.
 * The leases come from the rules config and the timeouts from the synthesized template.
 */
const holders: Record<string, (stack: DuebellStack) => IFunction[]> = {
  // Every route function runs the idempotency middleware of the shared handler chain.
  'api.idempotencyInProgressSeconds': (stack) => Object.values(stack.functions),
  'contact.claimLeaseSeconds': (stack) => [stack.contactQueue.sender],
  'contact.sweepSliceLeaseSeconds': (stack) => [stack.dailySweep.sliceWorker],
};

/**
 * Leases a person holds, not an invocation: an agent's claim on a desk task lasts while they work it,
 * and each desk request (claim, outcome, release) checks it anew, so no function timeout bounds it.
 */
const heldByPeople = new Set(['collection.deskClaimLeaseMinutes']);

/** Every lease in the rules: a number whose name says lease or in-progress. */
function leasesIn(rules: object, prefix = ''): { path: string; seconds: number }[] {
  return Object.entries(rules).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) return leasesIn(value, path);
    return typeof value === 'number' && /lease|inprogress/i.test(key) ? [{ path, seconds: value }] : [];
  });
}

let stack: DuebellStack;
let template: Template;
beforeAll(() => {
  stack = buildApp({ rules: defaultRules }, skipBundling).stack;
  template = Template.fromStack(stack);
});

/** The function's timeout in seconds as deployed (Lambda's default of 3 s when the template sets none). */
function timeoutOf(fn: IFunction): number {
  const resource = template.toJSON().Resources[logicalId(fn)];
  expect(resource?.Type, fn.node.path).toBe('AWS::Lambda::Function');
  return (resource.Properties.Timeout as number | undefined) ?? 3;
}

describe('leases against timeouts', () => {
  it('knows the holder of every lease in the rules', () => {
    const found = leasesIn(defaultRules).map((l) => l.path);
    expect(found.length).toBeGreaterThan(0);
    // A new lease (a task claim, a sweep slice) fails here until its holders are named above.
    expect(found.sort()).toEqual([...Object.keys(holders), ...heldByPeople].sort());
  });

  it('makes every lease shorter than the timeout of each function that holds it', () => {
    for (const { path, seconds } of leasesIn(defaultRules).filter((l) => !heldByPeople.has(l.path))) {
      const fns = holders[path]?.(stack) ?? [];
      expect(fns.length, path).toBeGreaterThan(0);
      for (const fn of fns) {
        expect(seconds, `${path} (${seconds} s) held by ${fn.node.path}`).toBeLessThan(timeoutOf(fn));
      }
    }
  });
});
