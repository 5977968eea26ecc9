/** Where an episode's workflow starts: the ladder's first rung and when it falls. */
export interface EscalationInput {
  loanId: string;
  episode: number;
  next: string;
  /** ISO instant the next rung falls (the workflow's Wait reads it). */
  nextAt: string;
}

/** Runs one workflow per delinquency episode (Step Functions on AWS; the local runner in simulations). */
export interface EscalationWorkflow {
  /** Starts the episode's workflow under a name unique to the episode; a second start of it is no error. */
  start(name: string, input: EscalationInput): Promise<'started' | 'already-started'>;
}
