import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import { decideContact } from '#shared/contact/policy.ts';
import { renderMessage } from '#shared/contact/templates.ts';
import { maskEmail, maskPhone } from '#shared/identity/mask.ts';
import { isPaid, outstanding } from '#shared/lending/allocation.ts';
import { formatInstantInZone, localDateOf, toZoned } from '#shared/lending/calendar.ts';
import { activePlan } from '#shared/lending/hardship-plan.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContactLog, ContactSender } from '#shared/ports/contact.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { BorrowerRecord, ContactKey, JobContext, SlotReservation } from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { ContactJob, ContactLine } from '#shared/schemas/contact-job.ts';

export interface SenderDeps {
  repos: Pick<Stores, 'loans' | 'contacts' | 'jobContext'>;
  sender: ContactSender;
  log: ContactLog;
  events: EventBus;
  keys: KeyService;
  partners: PartnerDirectory;
  clock: Clock;
  rules: Rules;
  /** Fault injection (simulation only): called after the carrier accepted, before the ledger records it. */
  afterCarrierAccept?: (job: ContactJob) => void;
}

/**
 * `done`: nothing more to do for this job. `retry-at`: deliver the job again then (window closed, or a
 * live claim). `failed`: a transient failure (the queue retries with backoff).
 */
export type JobOutcome =
  | { kind: 'done'; sent: number }
  | { kind: 'retry-at'; at: Date }
  | { kind: 'failed'; error: unknown };

/** DynamoDB's limit on the items of one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;

interface LiveItem {
  key: ContactKey;
  amount: number;
  dueDate: string;
}

type LineOf = (it: LiveItem, status: ContactLine['status'], reason?: string) => ContactLine;

/** What a job comes to once the loans, the borrower and the rules have been read: the send waits for its claims. */
type Plan =
  | { kind: 'outcome'; outcome: JobOutcome }
  | {
      kind: 'send';
      job: ContactJob;
      borrower: BorrowerRecord;
      items: LiveItem[];
      address: string;
      line: LineOf;
      slot: SlotReservation;
    };

/**
 * Flow 4, second half, for one SQS batch: re-read every borrower, loan and ledger entry in one
 * BatchGetItem (paid, cured or paused items drop out), apply the contact rules, then claim each
 * (loan, installment, stage, channel) and the person's daily slot — for the whole batch in one
 * transaction when nothing stands in the way, one by one otherwise — send one message per job, and
 * record it. Nothing is sent twice unless the process dies between the carrier's accept and the record.
 */
export async function processContactJobs(
  deps: SenderDeps,
  jobs: readonly ContactJob[],
): Promise<JobOutcome[]> {
  const contexts = await deps.repos.jobContext.loadMany(jobs);
  const plans: Plan[] = [];
  for (const [i, job] of jobs.entries()) {
    try {
      plans.push(await planJob(deps, job, contexts[i] as JobContext));
    } catch (error) {
      plans.push({ kind: 'outcome', outcome: { kind: 'failed', error } });
    }
  }
  const preclaimed = await claimTogether(deps, plans);
  const outcomes: JobOutcome[] = [];
  for (const plan of plans) {
    if (plan.kind === 'outcome') outcomes.push(plan.outcome);
    else
      outcomes.push(
        await sendPlanned(deps, plan, preclaimed.has(plan.job.jobId)).catch(
          (error) => ({ kind: 'failed', error }) as const,
        ),
      );
  }
  return outcomes;
}

/** One job on its own (a batch of one). Throws on a transient failure, as a Lambda handler would. */
export async function processContactJob(deps: SenderDeps, job: ContactJob): Promise<JobOutcome> {
  const [outcome] = await processContactJobs(deps, [job]);
  if (!outcome) return { kind: 'done', sent: 0 };
  if (outcome.kind === 'failed') throw outcome.error;
  return outcome;
}

async function planJob(deps: SenderDeps, job: ContactJob, context: JobContext): Promise<Plan> {
  const { rules } = deps;
  const done = (sent = 0): Plan => ({ kind: 'outcome', outcome: { kind: 'done', sent } });
  const borrower = context.borrower;
  if (!borrower) return done();
  const now = deps.clock.now();
  const today = localDateOf(now, rules.timezone);
  const { language, timezone } = borrower.preferences;

  const items: LiveItem[] = [];
  for (const item of job.items) {
    const loan = context.loans.get(item.loanId);
    const inst = context.installments.get(`${item.loanId}#${item.installmentNo}`);
    if (!loan || !inst || loan.status !== 'active' || isPaid(inst)) continue; // paid since the sweep
    if (inst.dueDate !== item.dueDate) continue; // re-dated by a hardship plan
    if (activePlan(loan.hardshipPlans, today)) continue; // reminders pause during a plan
    if (job.offsetDays > 0 && inst.installmentNo > 1) {
      // Overdue stages follow the oldest unpaid installment; a newer one is covered by it.
      const all = await deps.repos.loans.getLoanWithInstallments(item.loanId);
      const oldest = all?.installments.find((i) => !isPaid(i) && i.dueDate < today);
      if (oldest && oldest.installmentNo !== inst.installmentNo) continue;
    }
    const entry = context.ledger.get(`${item.loanId}#${item.installmentNo}`);
    if (entry?.status === 'sent' || entry?.status === 'suppressed') continue; // decided before (a duplicate job)
    const key: ContactKey = {
      loanId: item.loanId,
      installmentNo: item.installmentNo,
      stage: job.stage,
      channel: job.channel,
    };
    items.push({ key, amount: outstanding(inst).total, dueDate: inst.dueDate });
  }
  if (items.length === 0) return done();

  const encrypted = job.channel === 'sms' ? borrower.phoneEncrypted : borrower.emailEncrypted;
  const address = encrypted ? await deps.keys.decrypt(encrypted) : undefined;
  const to = address ? (job.channel === 'sms' ? maskPhone(address) : maskEmail(address)) : '';
  const templateId = render(deps, job, language, items).templateId;
  const line: LineOf = (it, status, reason) => ({
    // In the borrower's own offset, so the contact window can be read off the line.
    at: formatInstantInZone(now, timezone),
    borrowerId: job.borrowerId,
    loanId: it.key.loanId,
    installmentNo: it.key.installmentNo,
    stage: job.stage,
    channel: job.channel,
    to,
    templateId,
    language,
    status,
    ...(reason ? { reason } : {}),
  });
  const suppressed = async (which: LiveItem[], reason: string) => {
    await suppress(deps, job, which, borrower, line, reason);
    return done();
  };

  if (!address) return suppressed(items, 'no_address');
  const decision = decideContact(
    { channel: job.channel, offsetDays: job.offsetDays, loanIds: items.map((i) => i.key.loanId) },
    {
      timezone,
      optOut: borrower.preferences.optOut,
      // The daily cap is enforced by the atomic reservation at claim time, which concurrent senders cannot race.
      sentTodayOnChannel: 0,
      sentLast7DaysByLoan: await recentContacts(deps, job, items, now),
    },
    now,
    rules,
  );
  if (decision.status === 'suppressed') return suppressed(items, decision.reason);
  if (decision.status === 'deferred') {
    await deps.log.record(items.map((it) => line(it, 'deferred', 'outside_contact_window')));
    return { kind: 'outcome', outcome: { kind: 'retry-at', at: decision.until } };
  }
  const overWeekly = items.filter((it) => decision.suppressedLoanIds.includes(it.key.loanId));
  if (overWeekly.length > 0) await suppress(deps, job, overWeekly, borrower, line, 'weekly_cap');
  const cap =
    job.channel === 'sms' ? rules.contact.maxSmsPerBorrowerPerDay : rules.contact.maxEmailsPerBorrowerPerDay;
  return {
    kind: 'send',
    job,
    borrower,
    items: items.filter((i) => decision.loanIds.includes(i.key.loanId)),
    address,
    line,
    slot: {
      identityHash: borrower.identityHash,
      localDate: toZoned(now, timezone).date,
      channel: job.channel,
      messageKey: job.jobId,
      cap,
    },
  };
}

/**
 * Claims and daily slots of the whole batch in one transaction. A job whose claim or slot would fail
 * (a duplicate delivery, a live claim, a full day) drops out and takes the one-by-one path, which knows
 * how to answer each case; jobs sharing a person's day (one slot item for both channels: a transaction
 * touches an item once) also go one by one, and so do jobs past the transaction's size limit.
 */
async function claimTogether(deps: SenderDeps, plans: Plan[]): Promise<Set<string>> {
  let candidates = plans.filter((p): p is Extract<Plan, { kind: 'send' }> => p.kind === 'send');
  const slotKey = (p: Extract<Plan, { kind: 'send' }>) => `${p.slot.identityHash}|${p.slot.localDate}`;
  const shared = new Set(candidates.map(slotKey).filter((k, i, all) => all.indexOf(k) !== i));
  let operations = 0;
  candidates = candidates.filter((p) => {
    if (shared.has(slotKey(p))) return false;
    operations += 1 + p.items.length;
    return operations <= MAX_TRANSACTION_ITEMS;
  });
  const now = deps.clock.now();
  while (candidates.length > 1) {
    const failedJobs = await deps.repos.contacts.claimAll(
      candidates.map((p) => ({ id: p.job.jobId, keys: p.items.map((i) => i.key), slot: p.slot })),
      now,
      deps.rules.contact.claimLeaseSeconds,
    );
    if (failedJobs.length === 0) return new Set(candidates.map((p) => p.job.jobId));
    candidates = candidates.filter((p) => !failedJobs.includes(p.job.jobId));
  }
  return new Set();
}

async function sendPlanned(
  deps: SenderDeps,
  plan: Extract<Plan, { kind: 'send' }>,
  preclaimed: boolean,
): Promise<JobOutcome> {
  const { job, line, rules } = { ...plan, rules: deps.rules };
  const now = deps.clock.now();
  let claimed = plan.items;
  if (!preclaimed) {
    claimed = [];
    for (const it of plan.items) {
      const claim = await deps.repos.contacts.claim(it.key, now, rules.contact.claimLeaseSeconds);
      if (claim === 'claimed') claimed.push(it);
      else if (claim === 'in-progress') {
        // Another delivery of this job holds it; if that sender died, the claim frees when its lease ends.
        return {
          kind: 'retry-at',
          at: new Date(now.getTime() + rules.contact.claimLeaseSeconds * 1000 + 1000),
        };
      }
    }
    if (claimed.length === 0) return { kind: 'done', sent: 0 };
    if (!(await deps.repos.contacts.reserveDailySlot(plan.slot))) {
      await suppress(deps, job, claimed, plan.borrower, line, 'daily_cap', true);
      return { kind: 'done', sent: 0 };
    }
  }

  const message = render(deps, job, plan.borrower.preferences.language, claimed);
  let messageId: string;
  try {
    messageId =
      job.channel === 'sms'
        ? await deps.sender.sendSms(plan.address, message.body, rules.contact.smsSenderId)
        : await deps.sender.sendEmail(
            plan.address,
            message.subject ?? '',
            message.body,
            rules.contact.emailFrom,
          );
  } catch (err) {
    for (const it of claimed)
      await deps.repos.contacts.markFailed(it.key, now, (err as Error).name || 'SendFailed');
    throw err;
  }
  deps.afterCarrierAccept?.(job);
  for (const it of claimed) await deps.repos.contacts.markSent(it.key, now, messageId);
  await deps.log.record(claimed.map((it) => line(it, 'sent')));
  return { kind: 'done', sent: claimed.length };
}

function render(deps: SenderDeps, job: ContactJob, language: Language, items: LiveItem[]) {
  const partnerName = deps.partners.nameOf(job.partnerId) ?? job.partnerId;
  return renderMessage({ stage: job.stage, channel: job.channel, language, partnerName, items }, deps.rules);
}

/** Contacts per loan in the last 7 days, for stages under the rolling weekly cap (from D+4 on). */
async function recentContacts(
  deps: SenderDeps,
  job: ContactJob,
  items: LiveItem[],
  now: Date,
): Promise<Record<string, number>> {
  if (job.offsetDays < deps.rules.contact.weeklyCapFromOffsetDays) return {};
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const counts: Record<string, number> = {};
  for (const it of items) {
    const entries = await deps.repos.contacts.listForLoan(it.key.loanId);
    counts[it.key.loanId] = entries.filter((e) => e.status === 'sent' && (e.sentAt ?? '') >= since).length;
  }
  return counts;
}

async function suppress(
  deps: SenderDeps,
  job: ContactJob,
  items: LiveItem[],
  borrower: BorrowerRecord,
  line: LineOf,
  reason: string,
  alreadyClaimed = false,
): Promise<void> {
  const now = deps.clock.now();
  const decided: LiveItem[] = [];
  for (const it of items) {
    const claim = alreadyClaimed
      ? 'claimed'
      : await deps.repos.contacts.claim(it.key, now, deps.rules.contact.claimLeaseSeconds);
    if (claim !== 'claimed') continue;
    await deps.repos.contacts.markSuppressed(it.key, now, reason);
    decided.push(it);
  }
  await deps.log.record(decided.map((it) => line(it, 'suppressed', reason)));
  await deps.events.publish(
    decided.map((it) => ({
      type: 'ContactSuppressed' as const,
      at: now.toISOString(),
      detail: {
        loanId: it.key.loanId,
        partnerId: job.partnerId,
        borrowerId: borrower.borrowerId,
        installmentNo: it.key.installmentNo,
        stage: job.stage,
        channel: job.channel,
        reason,
      },
    })),
  );
}
