import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  type IChainable,
  JsonPath,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { Rules } from '#shared/config/rules.ts';

/** State names, shared with the local runner that binds each task state to its handler by name. */
export const ladderStateNames = {
  waitFor: (rung: string) => `Wait for ${rung}`,
  step: (rung: string) => rung,
  after: (rung: string) => `After ${rung}`,
  recordFailure: 'Record failure',
  over: 'Episode over',
  failed: 'Step failed',
} as const;

/** A rung task's retries: transient faults (throttles, timeouts) pass; a task still failing is caught. */
export const RUNG_RETRY = { interval: Duration.seconds(20), maxAttempts: 4, backoffRate: 2 } as const;

/**
 * The collection ladder as states, one set per rung so the console shows the ladder as ops read it:
 * `Wait for D+7` (until the rung's instant, carried in `$.nextAt`), `D+7` (the step function re-reads
 * the loan, decides and acts, and names the next rung and its instant), then `After D+7`, which goes to
 * the named rung's wait — the same rung again after a pause, a later one when dates moved — or ends.
 * JSONPath only, so the same definition runs locally under aws-local-stepfunctions.
 */
export function ladderDefinition(
  scope: Construct,
  ladder: Rules['collection']['ladder'],
  stepFunction: IFunction,
): IChainable {
  const names = ladderStateNames;
  const over = new Succeed(scope, names.over, {
    comment: 'cured, paid off, charged off, or a later episode',
  });
  const recordFailure = new LambdaInvoke(scope, names.recordFailure, {
    lambdaFunction: stepFunction,
    payload: TaskInput.fromObject({
      action: 'record-failure',
      loanId: JsonPath.stringAt('$.loanId'),
      episode: JsonPath.numberAt('$.episode'),
      rung: JsonPath.stringAt('$.next'),
      error: JsonPath.objectAt('$.error'),
    }),
    payloadResponseOnly: true,
    resultPath: JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  })
    .addRetry({ errors: ['States.ALL'], ...RUNG_RETRY })
    .next(
      new Fail(scope, names.failed, {
        error: 'EscalationStepFailed',
        cause: 'a rung failed after its retries',
      }),
    );

  const waits = ladder.map(
    (rung) => new Wait(scope, names.waitFor(rung.id), { time: WaitTime.timestampPath('$.nextAt') }),
  );
  ladder.forEach((rung, i) => {
    const step = new LambdaInvoke(scope, names.step(rung.id), {
      lambdaFunction: stepFunction,
      payload: TaskInput.fromObject({
        action: 'take-rung',
        loanId: JsonPath.stringAt('$.loanId'),
        episode: JsonPath.numberAt('$.episode'),
        rung: rung.id,
        scheduledAt: JsonPath.stringAt('$.nextAt'),
      }),
      // The step's answer becomes the state (the default result path; stated as `$` it is the same on AWS).
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    })
      .addRetry({ errors: ['States.ALL'], ...RUNG_RETRY })
      .addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const after = new Choice(scope, names.after(rung.id));
    ladder.forEach((target, j) => {
      after.when(Condition.stringEquals('$.next', target.id), waits[j] as Wait);
    });
    after.otherwise(over);
    (waits[i] as Wait).next(step);
    step.next(after);
  });
  return waits[0] as Wait;
}

/** The definition body for a state machine (CDK) built from the ladder. */
export function ladderDefinitionBody(
  scope: Construct,
  ladder: Rules['collection']['ladder'],
  stepFunction: IFunction,
): DefinitionBody {
  return DefinitionBody.fromChainable(ladderDefinition(scope, ladder, stepFunction));
}
