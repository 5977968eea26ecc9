import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { EscalationInput, EscalationWorkflow } from '#shared/ports/escalation.ts';

/** One Standard execution per episode, named for it: Step Functions refuses a second of the same name. */
export class StepFunctionsWorkflow implements EscalationWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: EscalationInput): Promise<'started' | 'already-started'> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (err) {
      // The same name with the same input (a retried start) or a finished execution of it: already done.
      if ((err as { name?: string }).name === 'ExecutionAlreadyExists') return 'already-started';
      throw err;
    }
  }
}
