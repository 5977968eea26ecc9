import { outstanding } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { bucketOf, daysPastDue } from '#shared/lending/delinquency.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import type { AppDeps } from '#shared/wiring/app-deps.ts';
import type { RequestAnswers } from './partner-requests.ts';

export interface SimulationSummary {
  period: { from: LocalDate; to: LocalDate };
  contacts: {
    byStage: Record<string, number>;
    byChannel: Record<string, number>;
    byStatus: Record<string, number>;
  };
  loansByBucket: Record<string, number>;
  /** Fen: due within the period, paid, still overdue at the end, and paid on loans that were overdue. */
  amounts: { due: number; paid: number; overdue: number; recovered: number };
  /** Messages the carrier accepted twice (a crash between its accept and the ledger update). */
  carrierDuplicates: number;
  faults: {
    snsFailures: number;
    /** Sender invocations killed, in all and by the step they died at. */
    crashes: number;
    deaths: Record<string, number>;
    duplicateSweeps: number;
    /** Messages SQS delivered twice (`redeliver=`). */
    redelivered: number;
    /** Sends the carrier throttled (`throttle=`). */
    throttled: number;
    /** PutEvents calls that failed (`bus=`); the outbox published those events later. */
    busFailures: number;
    deadLetters: number;
  };
  /** The partner's requests (payments, hardship, applications) by answer; rejected ones are listed. */
  requests: RequestAnswers;
  /** Promises to pay: made (recorded), and judged kept or broken the day after their date. */
  promises: { recorded: number; kept: number; broken: number };
  /** Early-warning signals raised (`EarlyWarningRaised`), by code. */
  earlyWarnings: Record<string, number>;
  /** The tables the run left at the given endpoint (absent when it ran on its own DynamoDB Local). */
  tables?: string[];
  /** The ladder: workflows started (one per episode), failed, still waiting at the end; tasks for people. */
  escalation?: {
    episodesStarted: number;
    failedExecutions: number;
    waitingAtEnd: number;
    agentTasks: number;
    legalTasks: number;
  };
}

const count = (values: string[]) => {
  const out: Record<string, number> = {};
  for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1;
  return out;
};

export async function summarize(input: {
  deps: AppDeps;
  portfolio: Portfolio;
  contacts: ContactLine[];
  events: DomainEvent[];
  from: LocalDate;
  endDate: LocalDate;
  faults: SimulationSummary['faults'];
  carrierDuplicates: number;
  requests: RequestAnswers;
}): Promise<SimulationSummary> {
  const { deps } = input;
  // The balances as of the last simulated day.
  const lastDay = addDays(input.endDate, -1);
  const buckets: string[] = [];
  let due = 0;
  let overdue = 0;
  for (const l of input.portfolio.loans) {
    const found = await deps.repos.loans.getLoanWithInstallments(l.loanId);
    if (!found) continue;
    const installments = accrueLoanPenalty(found.loan, found.installments, lastDay, deps.rules);
    buckets.push(bucketOf(daysPastDue(installments, lastDay, deps.rules), deps.rules));
    for (const inst of installments) {
      if (inst.dueDate >= input.from && inst.dueDate <= lastDay) due += inst.amountDue;
      if (inst.dueDate < lastDay) overdue += outstanding(inst).total;
    }
  }
  const payments = input.events.filter((e) => e.type === 'PaymentReceived');
  const paid = payments.reduce((sum, e) => sum + Number(e.detail.amount), 0);
  const recovered = payments
    .filter((e) => Number(e.detail.daysPastDueBefore) > 0)
    .reduce((sum, e) => sum + Number(e.detail.amount), 0);
  return {
    period: { from: input.from, to: lastDay },
    contacts: {
      byStage: count(input.contacts.map((c) => c.stage)),
      byChannel: count(input.contacts.map((c) => c.channel)),
      byStatus: count(input.contacts.map((c) => c.status)),
    },
    loansByBucket: count(buckets),
    amounts: { due, paid, overdue, recovered },
    carrierDuplicates: input.carrierDuplicates,
    faults: input.faults,
    requests: input.requests,
    promises: {
      recorded: input.events.filter((e) => e.type === 'PromiseToPayRecorded').length,
      kept: input.events.filter((e) => e.type === 'PromiseToPayKept').length,
      broken: input.events.filter((e) => e.type === 'PromiseToPayBroken').length,
    },
    earlyWarnings: count(
      input.events.filter((e) => e.type === 'EarlyWarningRaised').map((e) => String(e.detail.code)),
    ),
  };
}
