import { StateMachine } from 'aws-local-stepfunctions';
import { ladderStateNames } from '#infra/constructs/escalation-definition.ts';
import type { Rules } from '#shared/config/rules.ts';
import type { EscalationInput, EscalationWorkflow } from '#shared/ports/escalation.ts';
import { ladderAsl } from './ladder-asl.ts';
import type { SimulatedTime } from './simulated-time.ts';

/** The Lambda handler the task states invoke on AWS, called here with the task's input. */
export type StepHandler = (event: unknown) => Promise<unknown>;

/**
 * Episodes run by aws-local-stepfunctions from the synthesized definition, every task state bound to the
 * escalation-step handler, every Wait made instant and its timestamp awaited on the simulated clock.
 * A name runs once, as Step Functions allows.
 */
export class LocalEscalationWorkflow implements EscalationWorkflow {
  private readonly names = new Set<string>();
  private readonly machine: StateMachine;
  /** Executions that failed (a step failed after its retries and was recorded): Step Functions' failed count. */
  readonly failed: string[] = [];

  constructor(
    private readonly rules: Rules,
    private readonly step: StepHandler,
    private readonly time: SimulatedTime,
  ) {
    this.machine = new StateMachine(withoutTaskTimeouts(ladderAsl(rules.collection.ladder)) as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
  }

  async start(name: string, input: EscalationInput): Promise<'started' | 'already-started'> {
    if (this.names.has(name)) return 'already-started';
    this.names.add(name);
    const execution = this.machine.run(input as never, { overrides: this.overrides() as never });
    this.time.track(
      execution.result.catch(() => {
        this.failed.push(name);
      }),
    );
    await this.time.settle();
    return 'started';
  }

  get started(): number {
    return this.names.size;
  }

  private overrides() {
    const names = ladderStateNames;
    const taskResourceLocalHandlers: Record<string, (input: never) => Promise<never>> = {
      [names.recordFailure]: (input) => this.step(input) as Promise<never>,
    };
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number> = { [names.recordFailure]: 0 };
    for (const rung of this.rules.collection.ladder) {
      taskResourceLocalHandlers[names.step(rung.id)] = async (input: { scheduledAt: string }) => {
        // Past the simulation's end the workflow just stops: nothing is read or written.
        if (!(await this.time.until(new Date(input.scheduledAt)))) return { ...input, next: 'end' } as never;
        return this.step(input) as Promise<never>;
      };
      waitTimeOverrides[names.waitFor(rung.id)] = 0;
      retryIntervalOverrides[names.step(rung.id)] = 0;
    }
    return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides };
  }
}

/**
 * The one local change to the synthesized definition: a task awaits the simulated clock before it runs,
 * which can take longer in real time than aws-local-stepfunctions' default task timeout (60 s); on AWS
 * the Wait state does the waiting and the Lambda's own timeout bounds the task.
 */
function withoutTaskTimeouts(asl: Record<string, unknown>): Record<string, unknown> {
  const states = asl.States as Record<string, Record<string, unknown>>;
  const lifted = Object.fromEntries(
    Object.entries(states).map(([name, state]) => [
      name,
      state.Type === 'Task' ? { ...state, TimeoutSeconds: 2_000_000 } : state,
    ]),
  );
  return { ...asl, States: lifted };
}
