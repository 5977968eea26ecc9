import type { Rules } from '#shared/config/rules.ts';
import { consentsTo } from '#shared/contact/policy.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { InstallmentState } from '#shared/lending/types.ts';
import type { Consents } from '#shared/ports/records.ts';
import { type Rung, usableChannels } from './ladder.ts';

/** Who a rung acts on: ids only, and the borrower's channel preferences and consents. */
export interface RungParty {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  episode: number;
  /** Channels the borrower opted out of or has no address on. */
  unavailable: readonly string[];
  /** What the borrower consented to (all false when no borrower is on record: nothing is assumed). */
  consents: Pick<Consents, 'contactBySms' | 'contactByEmail' | 'shareWithCollectionAgencies'>;
}

export interface RungMessage {
  jobId: string;
  channel: 'sms' | 'email';
}

export interface RungTask {
  taskId: string;
  type: 'agent_call' | 'legal_review' | 'legal_referral' | 'internal_legal_review';
  queue: string;
  reason: 'rung' | 'all_channels_opted_out' | 'no_consent';
}

/**
 * What a rung does for a person: its messages on the channels the borrower consented to, did not opt out
 * of and can be reached on (none once the loan is non-performing, or when the rung is replayed late), or
 * an agent task when no channel of the rung is left — `no_consent` when a channel of the rung lacks
 * consent, `all_channels_opted_out` otherwise; its own task — an agent call, or legal review / referral,
 * which goes to the outside legal queue only with the borrower's consent to share with collection
 * agencies and is an internal review for the lender's own staff otherwise.
 */
export function rungEffects(
  rung: Rung,
  party: RungParty,
  sendMessages: boolean,
  nonPerforming: boolean,
  rules: Rules,
): { messages: RungMessage[]; tasks: RungTask[] } {
  const c = rules.collection;
  const base = `${party.loanId}-e${party.episode}-${rung.id}`;
  const messages: RungMessage[] = [];
  const tasks: RungTask[] = [];
  if (sendMessages && !nonPerforming && rung.channels.length > 0) {
    const unconsented = rung.channels.filter((ch) => !consentsTo(ch, party.consents));
    const channels = usableChannels(rung, [...party.unavailable, ...unconsented]);
    for (const channel of channels) messages.push({ jobId: `${base}-${channel}`, channel });
    if (channels.length === 0) {
      tasks.push({
        taskId: `${base}-agent`,
        type: 'agent_call',
        queue: c.agentQueueName,
        reason: unconsented.length > 0 ? 'no_consent' : 'all_channels_opted_out',
      });
    }
  }
  if (rung.task === 'agent_call') {
    tasks.push({ taskId: `${base}-task`, type: 'agent_call', queue: c.agentQueueName, reason: 'rung' });
  } else if (rung.task) {
    tasks.push(
      party.consents.shareWithCollectionAgencies
        ? { taskId: `${base}-task`, type: rung.task, queue: c.legalQueueName, reason: 'rung' }
        : { taskId: `${base}-task`, type: 'internal_legal_review', queue: c.agentQueueName, reason: 'rung' },
    );
  }
  return { messages, tasks };
}

/** The business date and items a rung's message covers: the oldest past-due installment. */
export function rungMessageItems(oldest: InstallmentState & { loanId: string }, now: Date, rules: Rules) {
  return {
    businessDate: localDateOf(now, rules.timezone),
    items: [{ loanId: oldest.loanId, installmentNo: oldest.installmentNo, dueDate: oldest.dueDate }],
  };
}
