import { ladderPausedUntil, oldestPastDue, openEpisode } from '#shared/collection/ladder.ts';
import type { Rules } from '#shared/config/rules.ts';
import { decideContact, phoneMarkedWrong, type SuppressionReason } from '#shared/contact/policy.ts';
import { isPaid, outstanding } from '#shared/lending/allocation.ts';
import { localDateOf, toZoned } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type {
  BorrowerRecord,
  ContactKey,
  InstallmentRecord,
  JobContext,
  JobKeys,
  LoanRecord,
  SlotReservation,
} from '#shared/ports/records.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';

/** One installment of a job that is still to be contacted about. */
export interface LiveItem {
  key: ContactKey;
  amount: number;
  dueDate: string;
}

/** What a job comes to once its loans, borrower and ledger have been read. */
export type JobPlan =
  | { kind: 'nothing' }
  | {
      kind: 'suppress';
      borrower: BorrowerRecord;
      items: LiveItem[];
      reason: SuppressionReason | 'no_address' | 'missed_window' | 'wrong_number';
    }
  | { kind: 'defer'; borrower: BorrowerRecord; items: LiveItem[]; until: Date }
  | {
      kind: 'send';
      borrower: BorrowerRecord;
      items: LiveItem[];
      /** Items whose loan is at its rolling 7-day cap: suppressed, the rest still go out. */
      overWeeklyCap: LiveItem[];
      slot: SlotReservation;
    };

/** The reads a job's plan needs, asked for in the batch's one load. */
export function contextKeysOf(job: ContactJob, rules: Rules): JobKeys {
  return {
    ...job,
    withLoanInstallments: job.offsetDays > 0,
    withLoanHistory: job.offsetDays >= rules.contact.weeklyCapFromOffsetDays,
  };
}

/**
 * The sender's decision for one job: drop what was paid, re-dated or paused since the sweep (and, at
 * overdue stages, what an older unpaid installment already covers) or was decided before, then apply
 * the contact rules in the borrower's zone (a channel without the borrower's consent is suppressed with
 * `no_consent`, whatever the window). The daily cap is not judged here: the atomic reservation at
 * claim time enforces it, which concurrent senders cannot race.
 */
export function planContactJob(job: ContactJob, context: JobContext, now: Date, rules: Rules): JobPlan {
  const borrower = context.borrower;
  if (!borrower) return { kind: 'nothing' };
  const today = localDateOf(now, rules.timezone);
  const items = job.items.flatMap((item): LiveItem[] => {
    const loan = context.loans.get(item.loanId);
    const inst = context.installments.get(`${item.loanId}#${item.installmentNo}`);
    if (!loan || !inst || loan.status !== 'active' || isPaid(inst)) return []; // paid since the sweep
    if (inst.dueDate !== item.dueDate) return []; // re-dated by a hardship plan
    // A pause (a plan, a dispute, a promise) holds the ladder's messages queued before it. Reminders need
    // no pause: a grant re-dated the installments, so the old date's reminders are gone and the new
    // date's go out as for any installment.
    if (job.episode !== undefined && ladderPausedUntil(loan, now, rules)) return [];
    if (loan.nonPerformingSince) return []; // non-performing: automated messages stop
    if (job.offsetDays > 0) {
      const schedule = loanInstallments(context, item.loanId);
      // Cured: what is past due is within the tolerance, whatever this installment still owes.
      if (daysPastDue(schedule, today, rules) === 0) return [];
      // Overdue stages follow the oldest unpaid installment; a newer one is covered by it.
      if (oldestPastDue(schedule, today)?.installmentNo !== item.installmentNo) return [];
    }
    if (job.episode !== undefined && !escalationGoesOn(loan, job.episode)) return [];
    const entry = context.ledger.get(`${item.loanId}#${item.installmentNo}`);
    if (entry?.status === 'sent' || entry?.status === 'suppressed') return []; // a duplicate job
    const occurrence = job.episode !== undefined ? `e${job.episode}` : item.dueDate;
    const key: ContactKey = {
      loanId: item.loanId,
      installmentNo: item.installmentNo,
      occurrence,
      stage: job.stage,
      channel: job.channel,
    };
    return [{ key, amount: outstanding(inst).total, dueDate: inst.dueDate }];
  });
  if (items.length === 0) return { kind: 'nothing' };
  // A pre-due reminder is for its day: delivered once that day is over for the lender and the borrower
  // alike (a missed sweep caught up, a long delay), it is recorded as suppressed rather than sent late,
  // and never silently dropped. (A borrower west of the lender may still be on that day.)
  const borrowersDay = toZoned(now, borrower.preferences.timezone).date;
  if (
    job.episode === undefined &&
    job.offsetDays <= 0 &&
    today > job.businessDate &&
    borrowersDay > job.businessDate
  )
    return { kind: 'suppress', borrower, items, reason: 'missed_window' };

  const address = job.channel === 'sms' ? borrower.phoneEncrypted : borrower.emailEncrypted;
  if (!address) return { kind: 'suppress', borrower, items, reason: 'no_address' };
  if (job.channel === 'sms' && phoneMarkedWrong(borrower))
    return { kind: 'suppress', borrower, items, reason: 'wrong_number' };
  const { timezone, optOut, consents } = borrower.preferences;
  const decision = decideContact(
    { channel: job.channel, offsetDays: job.offsetDays, loanIds: items.map((i) => i.key.loanId) },
    {
      timezone,
      consents,
      optOut,
      sentTodayOnChannel: 0,
      sentLast7DaysByLoan: sentLast7Days(context, now),
    },
    now,
    rules,
  );
  if (decision.status === 'suppressed') return { kind: 'suppress', borrower, items, reason: decision.reason };
  if (decision.status === 'deferred') return { kind: 'defer', borrower, items, until: decision.until };
  const cap =
    job.channel === 'sms' ? rules.contact.maxSmsPerBorrowerPerDay : rules.contact.maxEmailsPerBorrowerPerDay;
  return {
    kind: 'send',
    borrower,
    items: items.filter((i) => decision.loanIds.includes(i.key.loanId)),
    overWeeklyCap: items.filter((i) => decision.suppressedLoanIds.includes(i.key.loanId)),
    slot: {
      identityHash: borrower.identityHash,
      localDate: toZoned(now, timezone).date,
      channel: job.channel,
      messageKey: job.jobId,
      cap,
    },
  };
}

/** Every installment of a loan the context holds, in installment order. */
function loanInstallments(context: JobContext, loanId: string): InstallmentRecord[] {
  return [...context.installments.values()]
    .filter((i) => i.loanId === loanId)
    .sort((a, b) => a.installmentNo - b.installmentNo);
}

/** A rung's message goes out only while its episode is open. */
function escalationGoesOn(loan: LoanRecord, episode: number): boolean {
  return openEpisode(loan)?.episode === episode;
}

/** Contacts sent per loan in the last 7 days, from the histories loaded for stages under the weekly cap. */
function sentLast7Days(context: JobContext, now: Date): Record<string, number> {
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const counts: Record<string, number> = {};
  for (const [loanId, entries] of context.loanHistory) {
    counts[loanId] = entries.filter((e) => e.status === 'sent' && (e.sentAt ?? '') >= since).length;
  }
  return counts;
}
