/** Starts and ends escalation episodes (Step Functions on AWS; the local runner in simulations). */
export interface EscalationPort {
  /** Ends the loan's running episode at once (the loan was cured); a no-op when none runs. */
  endEpisode(loanId: string, reason: 'cured' | 'paid_off'): Promise<void>;
}
