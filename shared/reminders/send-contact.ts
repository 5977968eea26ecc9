import type { Rules } from '#shared/config/rules.ts';
import { decideContact } from '#shared/contact/policy.ts';
import { renderMessage } from '#shared/contact/templates.ts';
import { maskEmail, maskPhone } from '#shared/identity/mask.ts';
import { isPaid, outstanding } from '#shared/lending/allocation.ts';
import { formatInstantInZone, localDateOf, toZoned } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContactLog, ContactSender } from '#shared/ports/contact.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { ContactJob, ContactLine } from '#shared/schemas/contact-job.ts';
import { activePlan } from '#shared/servicing/hardship-plan.ts';
import type { ContactKey } from '#shared/storage/contact-ledger-repository.ts';
import type { BorrowerRecord } from '#shared/storage/records.ts';
import type { Repositories } from '#shared/storage/repositories.ts';

export interface SenderDeps {
  repos: Pick<Repositories, 'loans' | 'contacts' | 'jobContext'>;
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

/** `done`: nothing more to do for this job. `retry-at`: deliver the job again then (window closed, or a live claim). */
export type JobOutcome = { kind: 'done'; sent: number } | { kind: 'retry-at'; at: Date };

interface LiveItem {
  key: ContactKey;
  amount: number;
  dueDate: string;
}

/**
 * Flow 4, second half: re-read the borrower and each loan (paid, cured or paused items drop out), apply
 * the contact rules, claim each (loan, installment, stage, channel) in the ledger, send one message for
 * what is left, then record it. A transient failure throws, so the queue retries; the claim makes sure
 * nothing is sent twice unless the process dies between the carrier's accept and the ledger update.
 */
export async function processContactJob(deps: SenderDeps, job: ContactJob): Promise<JobOutcome> {
  const { rules } = deps;
  const context = await deps.repos.jobContext.load(
    job.partnerId,
    job.borrowerId,
    job.items,
    job.stage,
    job.channel,
  );
  const borrower = context.borrower;
  if (!borrower) return { kind: 'done', sent: 0 };
  const now = deps.clock.now();
  const today = localDateOf(now, rules.timezone);
  const language = borrower.preferences.language;
  const timezone = borrower.preferences.timezone;

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
    const key: ContactKey = {
      loanId: item.loanId,
      installmentNo: item.installmentNo,
      stage: job.stage,
      channel: job.channel,
    };
    const entry = context.ledger.get(`${item.loanId}#${item.installmentNo}`);
    if (entry?.status === 'sent' || entry?.status === 'suppressed') continue; // decided before (a duplicate job)
    items.push({ key, amount: outstanding(inst).total, dueDate: inst.dueDate });
  }
  if (items.length === 0) return { kind: 'done', sent: 0 };

  const address = job.channel === 'sms' ? borrower.phoneEncrypted : borrower.emailEncrypted;
  const partnerName = deps.partners.nameOf(job.partnerId) ?? job.partnerId;
  const render = (covered: LiveItem[]) =>
    renderMessage({ stage: job.stage, channel: job.channel, language, partnerName, items: covered }, rules);
  const plainAddress = address ? await deps.keys.decrypt(address) : undefined;
  const to = plainAddress ? (job.channel === 'sms' ? maskPhone(plainAddress) : maskEmail(plainAddress)) : '';
  const line = (it: LiveItem, status: ContactLine['status'], reason?: string): ContactLine => ({
    // In the borrower's own offset, so the contact window can be read off the line.
    at: formatInstantInZone(now, timezone),
    borrowerId: job.borrowerId,
    loanId: it.key.loanId,
    installmentNo: it.key.installmentNo,
    stage: job.stage,
    channel: job.channel,
    to,
    templateId: render(items).templateId,
    language,
    status,
    ...(reason ? { reason } : {}),
  });

  if (!plainAddress) return suppress(deps, job, items, borrower, line, 'no_address');
  const decision = decideContact(
    { channel: job.channel, offsetDays: job.offsetDays, loanIds: items.map((i) => i.key.loanId) },
    {
      timezone,
      optOut: borrower.preferences.optOut,
      // The daily cap is enforced by the atomic reservation below, which concurrent senders cannot race.
      sentTodayOnChannel: 0,
      sentLast7DaysByLoan: await recentContacts(deps, job, items, now),
    },
    now,
    rules,
  );
  if (decision.status === 'suppressed') return suppress(deps, job, items, borrower, line, decision.reason);
  if (decision.status === 'deferred') {
    await deps.log.record(items.map((it) => line(it, 'deferred', 'outside_contact_window')));
    return { kind: 'retry-at', at: decision.until };
  }
  const overWeekly = items.filter((it) => decision.suppressedLoanIds.includes(it.key.loanId));
  if (overWeekly.length > 0) await suppress(deps, job, overWeekly, borrower, line, 'weekly_cap');

  const claimed: LiveItem[] = [];
  for (const it of items.filter((i) => decision.loanIds.includes(i.key.loanId))) {
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

  const localDay = toZoned(now, timezone).date;
  const cap =
    job.channel === 'sms' ? rules.contact.maxSmsPerBorrowerPerDay : rules.contact.maxEmailsPerBorrowerPerDay;
  const reserved = await deps.repos.contacts.reserveDailySlot(
    borrower.identityHash,
    localDay,
    job.channel,
    job.jobId,
    cap,
  );
  if (!reserved) return suppress(deps, job, claimed, borrower, line, 'daily_cap', true);

  const message = render(claimed);
  let messageId: string;
  try {
    messageId =
      job.channel === 'sms'
        ? await deps.sender.sendSms(plainAddress, message.body, rules.contact.smsSenderId)
        : await deps.sender.sendEmail(
            plainAddress,
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
  line: (it: LiveItem, status: ContactLine['status'], reason?: string) => ContactLine,
  reason: string,
  alreadyClaimed = false,
): Promise<JobOutcome> {
  const now = deps.clock.now();
  const decided: LiveItem[] = [];
  for (const it of items) {
    if (
      !alreadyClaimed &&
      (await deps.repos.contacts.claim(it.key, now, deps.rules.contact.claimLeaseSeconds)) !== 'claimed'
    )
      continue;
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
  return { kind: 'done', sent: 0 };
}
