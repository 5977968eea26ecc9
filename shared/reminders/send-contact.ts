import { earlyWarningRaised, undeliverableWarning } from '#shared/collection/early-warning.ts';
import { inParallel } from '#shared/concurrency/in-parallel.ts';
import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import { renderMessage, templateIdOf } from '#shared/contact/templates.ts';
import { maskEmail, maskPhone } from '#shared/identity/mask.ts';
import { formatInstantInZone, localDateOf } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContactLog, ContactSender } from '#shared/ports/contact.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import { borrowerField } from '#shared/ports/key-service.ts';
import type { PartnerDirectory } from '#shared/ports/partner-directory.ts';
import type { BorrowerRecord, JobContext, SlotReservation } from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { WatchSignals } from '#shared/ports/watchlist.ts';
import type { ContactJob, ContactLine } from '#shared/schemas/contact-job.ts';
import { contextKeysOf, type JobPlan, type LiveItem, planContactJob } from './plan-contact-job.ts';

export interface SenderDeps {
  repos: Pick<Stores, 'loans' | 'contacts' | 'jobContext' | 'borrowers'>;
  /** `UNDELIVERABLE` when the carrier refuses a number. */
  watchlist: WatchSignals;
  sender: ContactSender;
  log: ContactLog;
  events: EventBus;
  keys: KeyService;
  partners: PartnerDirectory;
  clock: Clock;
  rules: Rules;
  /**
   * Waits for the carrier's rate: each invocation's share of `smsPerSecond` / `emailPerSecond` (on AWS,
   * a token bucket per container; none locally, where the simulated carrier has no rate).
   */
  pace?: (channel: 'sms' | 'email') => Promise<void>;
  /** Fault injection (simulation only): called at each step of a send; throwing there is a crash. */
  atStep?: (step: SendStep, job: ContactJob) => void;
  /**
   * A batch's jobs in flight at once (default BATCH_SEND_CONCURRENCY). The simulator sends one after
   * another (1), so that its seeded fault draws come in the same order on every run.
   */
  sendConcurrency?: number;
}

/** A whole SQS batch (ten records) sent and recorded at once; the pacer still spaces the carrier calls. */
export const BATCH_SEND_CONCURRENCY = 10;

/** The steps of a send a process can die between (the simulator's `death=` fault). */
export type SendStep = 'before-claim' | 'before-carrier' | 'before-ledger' | 'after-ledger';

/** Error names the carriers (SNS, SES, the local one) use for "too many requests, slow down". */
const THROTTLE_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'CarrierThrottled',
]);

export function isCarrierThrottle(err: unknown): boolean {
  return THROTTLE_ERRORS.has((err as Error)?.name);
}

/**
 * The carrier refused the phone number itself, for good: SNS's invalid-parameter error naming the phone
 * number (any other invalid parameter is our configuration, not the borrower's number), or the local
 * carrier's refusal. Retrying cannot help; the number is marked wrong instead.
 */
export function isNumberRefused(err: unknown): boolean {
  const { name, message } = (err ?? {}) as Error;
  if (name === 'NumberRefused') return true;
  return (name === 'InvalidParameterException' || name === 'InvalidParameter') && /PhoneNumber/.test(message);
}

/**
 * `done`: nothing more to do for this job. `retry-at`: deliver the job again then (window closed, or a
 * live claim). `throttled`: the carrier asked to slow down (the job goes back, no claim left failed).
 * `failed`: a transient failure (the queue retries with backoff).
 */
export type JobOutcome =
  | { kind: 'done'; sent: number }
  | { kind: 'retry-at'; at: Date }
  /** The carrier throttled: the claims are freed, and the job goes back with a growing delay. */
  | { kind: 'throttled' }
  | { kind: 'failed'; error: unknown };

/** DynamoDB's limit on the items of one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;

type LineOf = (it: LiveItem, status: ContactLine['status'], reason?: string) => ContactLine;

/** A job ready to go out: its plan, the address decrypted, and how to write its contact lines. */
interface Sendable {
  job: ContactJob;
  borrower: BorrowerRecord;
  items: LiveItem[];
  address: string;
  line: LineOf;
  slot: SlotReservation;
}

type Prepared = { kind: 'outcome'; outcome: JobOutcome } | ({ kind: 'send' } & Sendable);

/**
 * Reminders, second half (the sender), for one SQS batch: one load of every borrower, loan, installment and ledger
 * entry the batch needs; a pure plan per job (paid, cured or paused items drop out, then the contact
 * rules); suppressions and deferrals recorded; then each (loan, installment, stage, channel) and the
 * person's daily slot claimed — for the whole batch in one transaction when nothing stands in the way,
 * one by one otherwise — one message sent per job, and recorded. Nothing is sent twice unless the
 * process dies between the carrier's accept and the record.
 */
export async function processContactJobs(
  deps: SenderDeps,
  jobs: readonly ContactJob[],
): Promise<JobOutcome[]> {
  const contexts = await deps.repos.jobContext.loadMany(jobs.map((job) => contextKeysOf(job, deps.rules)));
  const prepared: Prepared[] = [];
  for (const [i, job] of jobs.entries()) {
    const now = deps.clock.now();
    try {
      const plan = planContactJob(job, contexts[i] as JobContext, now, deps.rules);
      prepared.push(await carryOutPlan(deps, job, plan, now));
    } catch (error) {
      prepared.push({ kind: 'outcome', outcome: { kind: 'failed', error } });
    }
  }
  for (const p of prepared) if (p.kind === 'send') deps.atStep?.('before-claim', p.job);
  const preclaimed = await claimTogether(deps, prepared);
  const outcomes: JobOutcome[] = prepared.map((p) =>
    p.kind === 'outcome' ? p.outcome : { kind: 'done', sent: 0 },
  );
  // Jobs that share a person's day (one daily slot) go one after another, in batch order, so which of
  // them the cap stops does not depend on timing; the rest of the batch goes out at once.
  const chains = new Map<string, number[]>();
  for (const [i, p] of prepared.entries())
    if (p.kind === 'send') {
      const key = slotKey(p);
      chains.set(key, [...(chains.get(key) ?? []), i]);
    }
  await inParallel([...chains.values()], deps.sendConcurrency ?? BATCH_SEND_CONCURRENCY, async (chain) => {
    for (const i of chain) {
      const p = prepared[i] as Extract<Prepared, { kind: 'send' }>;
      outcomes[i] = await sendPlanned(deps, p, preclaimed.has(p.job.jobId)).catch(
        (error) => ({ kind: 'failed', error }) as const,
      );
    }
  });
  return outcomes;
}

/** A person's day: one daily-slot item, whichever the channel. */
const slotKey = (p: Sendable) => `${p.slot.identityHash}|${p.slot.localDate}`;

/** One job on its own (a batch of one). Throws on a transient failure, as a Lambda handler would. */
export async function processContactJob(deps: SenderDeps, job: ContactJob): Promise<JobOutcome> {
  const [outcome] = await processContactJobs(deps, [job]);
  if (!outcome) return { kind: 'done', sent: 0 };
  if (outcome.kind === 'failed') throw outcome.error;
  return outcome;
}

/** Records what the plan decided at once (suppressed, deferred) and readies the rest for sending. */
async function carryOutPlan(deps: SenderDeps, job: ContactJob, plan: JobPlan, now: Date): Promise<Prepared> {
  const done: Prepared = { kind: 'outcome', outcome: { kind: 'done', sent: 0 } };
  if (plan.kind === 'nothing') return done;
  const { borrower } = plan;
  const { language, timezone } = borrower.preferences;
  const encrypted = job.channel === 'sms' ? borrower.phoneEncrypted : borrower.emailEncrypted;
  const field = borrowerField(
    borrower.partnerId,
    borrower.borrowerId,
    job.channel === 'sms' ? 'phone' : 'email',
  );
  const address = encrypted ? await deps.keys.decrypt(encrypted, field) : undefined;
  const to = address ? (job.channel === 'sms' ? maskPhone(address) : maskEmail(address)) : '';
  const templateId = templateIdOf(job.stage, job.channel, language);
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
  switch (plan.kind) {
    case 'suppress':
      await suppress(deps, job, plan.items, borrower, line, plan.reason);
      return done;
    case 'defer':
      await deps.log.record(plan.items.map((it) => line(it, 'deferred', 'outside_contact_window')));
      return { kind: 'outcome', outcome: { kind: 'retry-at', at: plan.until } };
    case 'send':
      await suppress(deps, job, plan.overWeeklyCap, borrower, line, 'weekly_cap'); // none: writes nothing
      return {
        kind: 'send',
        job,
        borrower,
        items: plan.items,
        address: address ?? '',
        line,
        slot: plan.slot,
      };
  }
}

/**
 * Claims and daily slots of the whole batch in one transaction. A job whose claim or slot would fail
 * (a duplicate delivery, a live claim, a full day) drops out and takes the one-by-one path, which knows
 * how to answer each case; jobs sharing a person's day (one slot item for both channels: a transaction
 * touches an item once) also go one by one, and so do jobs past the transaction's size limit.
 */
async function claimTogether(deps: SenderDeps, prepared: Prepared[]): Promise<Set<string>> {
  let candidates = prepared.filter((p): p is Extract<Prepared, { kind: 'send' }> => p.kind === 'send');
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

async function sendPlanned(deps: SenderDeps, plan: Sendable, preclaimed: boolean): Promise<JobOutcome> {
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

  const message = await render(deps, job, plan.borrower.preferences.language, claimed);
  deps.atStep?.('before-carrier', job);
  await deps.pace?.(job.channel);
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
    if (job.channel === 'sms' && isNumberRefused(err)) {
      await refuseNumber(deps, plan, claimed);
      return { kind: 'done', sent: 0 };
    }
    // The claim is freed either way (leaseUntil now): the job's next delivery claims it again.
    await Promise.all(
      claimed.map((it) => deps.repos.contacts.markFailed(it.key, now, (err as Error).name || 'SendFailed')),
    );
    if (isCarrierThrottle(err)) return { kind: 'throttled' };
    throw err;
  }
  deps.atStep?.('before-ledger', job);
  await Promise.all(claimed.map((it) => deps.repos.contacts.markSent(it.key, now, messageId)));
  await deps.log.record(claimed.map((it) => ({ ...line(it, 'sent'), messageId })));
  deps.atStep?.('after-ledger', job);
  return { kind: 'done', sent: claimed.length };
}

/**
 * A number the carrier refused: `UNDELIVERABLE` on each of the message's loans still current or in grace,
 * the number marked wrong (no SMS goes to it again until the borrower gives another), and the claimed
 * items suppressed as `undeliverable`, in that order: a crash before the last leaves the claims to lapse,
 * and the redelivery, refused again or suppressed as a wrong number, finds the signal raised.
 */
async function refuseNumber(deps: SenderDeps, plan: Sendable, claimed: LiveItem[]): Promise<void> {
  const { job, borrower } = plan;
  const now = deps.clock.now();
  const today = localDateOf(now, deps.rules.timezone);
  for (const loanId of [...new Set(claimed.map((it) => it.key.loanId))]) {
    const found = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (found?.loan.status !== 'active') continue;
    for (const warning of undeliverableWarning(loanId, found.installments, today, deps.rules))
      await deps.watchlist.raise(
        found.loan,
        warning,
        earlyWarningRaised(warning, found.loan, now.toISOString()),
      );
  }
  if (borrower.phoneHash)
    await deps.repos.borrowers.markWrongNumber(job.partnerId, job.borrowerId, {
      since: now.toISOString(),
      phoneHash: borrower.phoneHash,
    });
  await suppress(deps, job, claimed, borrower, plan.line, 'undeliverable', true);
}

async function render(deps: SenderDeps, job: ContactJob, language: Language, items: LiveItem[]) {
  const partnerName = (await deps.partners.nameOf(job.partnerId)) ?? job.partnerId;
  return renderMessage({ stage: job.stage, channel: job.channel, language, partnerName, items }, deps.rules);
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
