import type { LocalDate } from '#shared/lending/types.ts';

/**
 * Every key string of the table. Repositories build keys only through these functions,
 * so the layout can be read (and changed) in one place.
 */

export interface ItemKey {
  pk: string;
  sk: string;
}

const pad = (n: number) => String(n).padStart(3, '0');

export const keys = {
  loan: (loanId: string): ItemKey => ({ pk: `LOAN#${loanId}`, sk: 'LOAN' }),
  loanPartition: (loanId: string) => `LOAN#${loanId}`,
  installment: (loanId: string, installmentNo: number): ItemKey => ({
    pk: `LOAN#${loanId}`,
    sk: `INST#${pad(installmentNo)}`,
  }),
  installmentPrefix: 'INST#',
  payment: (loanId: string, paymentId: string): ItemKey => ({ pk: `LOAN#${loanId}`, sk: `PAY#${paymentId}` }),
  paymentPrefix: 'PAY#',
  borrower: (partnerId: string, borrowerId: string): ItemKey => ({
    pk: `BORROWER#${partnerId}#${borrowerId}`,
    sk: 'PROFILE',
  }),
  /** Cross-partner identity status, keyed by the HMAC of the national ID. */
  identity: (identityHash: string): ItemKey => ({ pk: `IDENTITY#${identityHash}`, sk: 'STATUS' }),
  /** On the identity item, the attribute holding one loan's exposure. */
  identityLoanAttribute: (loanId: string) => `loan#${loanId}`,
  identityLoanPrefix: 'loan#',
  /** On the identity item, one loan's repayment history (kept once the loan is repaid). */
  identityHistoryAttribute: (loanId: string) => `history#${loanId}`,
  identityHistoryPrefix: 'history#',
  /** On the identity item, the day one broken promise was judged: one attribute per promise, set once. */
  identityBrokenPromiseAttribute: (promiseId: string) => `brokenPromise#${promiseId}`,
  identityBrokenPromisePrefix: 'brokenPromise#',
  /** A domain event waiting in the outbox; the table's stream publishes it (INSERT only). */
  outboxEvent: (eventId: string): ItemKey => ({ pk: `OUTBOX#${eventId}`, sk: 'EVENT' }),
  application: (applicationId: string): ItemKey => ({ pk: `APP#${applicationId}`, sk: 'APP' }),
  contact: (key: {
    loanId: string;
    installmentNo: number;
    occurrence: string;
    stage: string;
    channel: string;
  }): ItemKey => ({
    pk: `CONTACT#${key.loanId}`,
    sk: `${pad(key.installmentNo)}#${key.occurrence}#${key.stage}#${key.channel}`,
  }),
  contactPartition: (loanId: string) => `CONTACT#${loanId}`,
  /** Messages sent to one person on one local day, per channel (the daily cap). */
  contactDay: (identityHash: string, localDate: string): ItemKey => ({
    pk: `CONTACTDAY#${identityHash}`,
    sk: localDate,
  }),
  /** A task for a person (agent call, legal review or referral); its id names the loan, episode and rung. */
  task: (loanId: string, taskId: string): ItemKey => ({ pk: `LOAN#${loanId}`, sk: `TASK#${taskId}` }),
  /** The audit trail of one loan's desk actions, oldest first (`at` sorts; the id keeps two at one instant apart). */
  audit: (loanId: string, at: string, auditId: string): ItemKey => ({
    pk: `AUDIT#${loanId}`,
    sk: `${at}#${auditId}`,
  }),
  auditPartition: (loanId: string) => `AUDIT#${loanId}`,
  /** A promise to pay: one per desk call (its id is the task's) or per partner request. */
  promise: (loanId: string, promiseId: string): ItemKey => ({
    pk: `PROMISE#${loanId}`,
    sk: `PROMISE#${promiseId}`,
  }),
  promisePartition: (loanId: string) => `PROMISE#${loanId}`,
  /**
   * An open promise waiting for its judgment, sorted by its date: the ageing job reads those dated before
   * its business date (a loan a payment cured is no longer past due, yet its promise is still judged).
   * One partition: open promises are few (one per call or app request, each open at most 15 days).
   */
  promiseDue: (date: LocalDate, loanId: string, promiseId: string): ItemKey => ({
    pk: 'PROMISES#OPEN',
    sk: `${date}#${loanId}#${promiseId}`,
  }),
  promisesDuePartition: 'PROMISES#OPEN',
  /**
   * A running total of the portfolio on one shard: `PARTNER#<id>`, `PROVINCE#<code>` or `VINTAGE#<month>`.
   * Loan writes add to the shard of their loan, so concurrent writes seldom contend for one item; a read
   * sums the shards (a few small partitions, whatever the size of the book).
   */
  portfolioCounter: (shard: number, name: string): ItemKey => ({
    pk: portfolioCounterPartition(shard),
    sk: name,
  }),
  portfolioPartner: (partnerId: string) => `PARTNER#${partnerId}`,
  portfolioProvince: (provinceCode: string) => `PROVINCE#${provinceCode}`,
  portfolioVintage: (month: string) => `VINTAGE#${month}`,
  /** One business date's portfolio snapshot; one partition, sorted by date, so a range is one Query. */
  portfolioSnapshot: (date: LocalDate): ItemKey => ({ pk: 'PORTFOLIO#SNAPSHOTS', sk: date }),
  portfolioSnapshotPartition: 'PORTFOLIO#SNAPSHOTS',
  /** The daily ageing run of one business date. */
  ageingRun: (businessDate: string): ItemKey => ({ pk: `AGEING#${businessDate}`, sk: 'RUN' }),
  /** One slice of a business date's sweep: its lease, its checkpoint and what it did. */
  sweepSlice: (businessDate: string, sliceId: string): ItemKey => ({
    pk: `SWEEP#${businessDate}`,
    sk: `SLICE#${sliceId}`,
  }),
  /** The last business date the daily sweep was started for (a missed day is caught up from it). */
  sweepCursor: { pk: 'SWEEP#CURSOR', sk: 'CURSOR' } as ItemKey,
  /** Inbound SMS: which borrowers use this phone number (by HMAC). */
  phone: (phoneHash: string, partnerId: string, borrowerId: string): ItemKey => ({
    pk: `PHONE#${phoneHash}`,
    sk: `${partnerId}#${borrowerId}`,
  }),
  phonePartition: (phoneHash: string) => `PHONE#${phoneHash}`,
  /** A complaint (an inbound message for a person), and its audit trail in the same partition. */
  complaint: (complaintId: string): ItemKey => ({ pk: `COMPLAINT#${complaintId}`, sk: 'COMPLAINT' }),
  complaintAudit: (complaintId: string, at: string, auditId: string): ItemKey => ({
    pk: `COMPLAINT#${complaintId}`,
    sk: `AUDIT#${at}#${auditId}`,
  }),
  complaintPartition: (complaintId: string) => `COMPLAINT#${complaintId}`,
  /** The audit trail of the reviews of one application's decision. */
  reviewAudit: (applicationId: string, at: string, auditId: string): ItemKey => ({
    pk: `AUDIT#application#${applicationId}`,
    sk: `${at}#${auditId}`,
  }),
  reviewAuditPartition: (applicationId: string) => `AUDIT#application#${applicationId}`,
  /** The audit trail of a person's exports and erasure. */
  borrowerAudit: (partnerId: string, borrowerId: string, at: string, auditId: string): ItemKey => ({
    pk: `AUDIT#borrower#${partnerId}#${borrowerId}`,
    sk: `${at}#${auditId}`,
  }),
  borrowerAuditPartition: (partnerId: string, borrowerId: string) =>
    `AUDIT#borrower#${partnerId}#${borrowerId}`,
  /** The partner directory: every partner in one partition, so listing them is one Query (a few hundred at most). */
  partner: (partnerId: string): ItemKey => ({ pk: 'PARTNERS', sk: `PARTNER#${partnerId}` }),
  partnersPartition: 'PARTNERS',
  /** An API key's owner, read on every request (cached): the gateway's key id, never the key itself. */
  apiKey: (apiKeyId: string): ItemKey => ({ pk: `APIKEY#${apiKeyId}`, sk: 'APIKEY' }),
  /** One partition per (partner, key): idempotency records never share a hot partition. */
  idempotency: (partnerId: string, idempotencyKey: string): ItemKey => ({
    pk: `IDEMPOTENCY#${partnerId}#${idempotencyKey}`,
    sk: 'REQUEST',
  }),
};

export function portfolioCounterPartition(shard: number): string {
  return `PORTFOLIO#COUNTERS#${shard}`;
}

/** FNV-1a: a stable, fast spread of loan ids over the due-index shards. */
export function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/**
 * The due-index attributes of an unpaid installment (omitted once paid, which keeps the index sparse).
 * Sharded and sorted by the borrower (partner and borrower id), so everything one borrower owes on a date
 * sits together in one shard: a sweep slice pages through a shard and never splits a borrower's
 * reminders between two messages.
 */
export function dueIndexKey(
  inst: { dueDate: LocalDate; partnerId: string; borrowerId: string; loanId: string; installmentNo: number },
  shards: number,
) {
  const owner = `${inst.partnerId}#${inst.borrowerId}`;
  return {
    dueShard: `${inst.dueDate}#${shardOf(owner, shards)}`,
    dueSort: `${owner}#${inst.loanId}#${pad(inst.installmentNo)}`,
  };
}

/** The borrower part of a due-index sort key: what a page must not split. */
export function dueSortOwner(dueSort: string): string {
  return dueSort.split('#').slice(0, 2).join('#');
}

/** The ageing-index attributes of an active loan with something unpaid (omitted otherwise: the index stays sparse). */
export function ageingIndexKey(oldestUnpaidDueDate: LocalDate, loanId: string, shards: number) {
  return { ageShard: `AGE#${shardOf(loanId, shards)}`, ageSort: `${oldestUnpaidDueDate}#${loanId}` };
}

/** The province-index attributes of an active loan whose borrower's province code is known. */
export function provinceIndexKey(provinceCode: string, loanId: string, shards: number) {
  return { provinceShard: provinceShardKey(provinceCode, shardOf(loanId, shards)), provinceSort: loanId };
}

export function provinceShardKey(provinceCode: string, shard: number): string {
  return `PROVINCE#${provinceCode}#${shard}`;
}

/** A bulk action's result for one loan, written with its effect so a retry finds it done. */
export const bulkResultKey = (actionId: string, loanId: string): ItemKey => ({
  pk: `BULK#${actionId}`,
  sk: `LOAN#${loanId}`,
});

export function dueShardKey(dueDate: LocalDate, shard: number): string {
  return `${dueDate}#${shard}`;
}

/**
 * The desk-index attributes of an agent task: one partition per stored status (`open`, `done`), sorted by
 * the instant the rung opened it, so the desk's list (by status, due before an instant) is a Query. Agent
 * tasks are few (people work them), so one partition per status carries them.
 */
export function deskIndexKey(task: { status: string; createdAt: string; loanId: string; taskId: string }) {
  return {
    deskStatus: deskStatusKey(task.status),
    deskSort: `${task.createdAt}#${task.loanId}#${task.taskId}`,
  };
}

export function deskStatusKey(status: string): string {
  return `TASKS#${status}`;
}

/**
 * The desk-index attributes of a complaint: its own partitions of the desk index (`COMPLAINTS#open`,
 * `COMPLAINTS#closed`), oldest first, so the desk lists them by age and the alarm counts the overdue
 * with a Query.
 */
export function complaintIndexKey(complaint: { status: string; receivedAt: string; complaintId: string }) {
  return {
    deskStatus: complaintStatusKey(complaint.status),
    deskSort: `${complaint.receivedAt}#${complaint.complaintId}`,
  };
}

export function complaintStatusKey(status: string): string {
  return `COMPLAINTS#${status}`;
}

/** The desk-index attributes of an application under review (`REVIEWS#open` until answered, then `closed`). */
export function reviewIndexKey(review: { status: string; requestedAt: string }, applicationId: string) {
  return {
    deskStatus: reviewStatusKey(review.status === 'requested' ? 'open' : 'closed'),
    deskSort: `${review.requestedAt}#${applicationId}`,
  };
}

export function reviewStatusKey(status: 'open' | 'closed'): string {
  return `REVIEWS#${status}`;
}

/**
 * A loan on the early-warning watchlist: one item per loan, in its own partition of the desk index
 * (`WATCHLIST`), oldest first. The list is as long as the loans watched, so the daily clearing pass
 * and the desk read it whole or by page, never the book.
 */
export const watchKey = (loanId: string): ItemKey => ({ pk: `WATCH#${loanId}`, sk: 'WATCHLIST' });
export const WATCHLIST_PARTITION = 'WATCHLIST';
/** On a watch item, one signal: `signal#<code>#<occurrence>`, set to the day it was raised (once). */
export const watchSignalAttribute = (code: string, occurrence: string) => `signal#${code}#${occurrence}`;
export const WATCH_SIGNAL_PREFIX = 'signal#';

/** The borrower-index attributes of a person's application or loan (see `BORROWER_INDEX`). */
export function borrowerIndexKey(
  owner: { partnerId: string; borrowerId: string },
  kind: 'application' | 'loan',
  id: string,
) {
  return { borrowerKey: borrowerPartition(owner.partnerId, owner.borrowerId), borrowerSort: `${kind}#${id}` };
}

export function borrowerPartition(partnerId: string, borrowerId: string): string {
  return `${partnerId}#${borrowerId}`;
}

/** Attributes that exist only for the table's keys and indexes, never part of a record. */
const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'kind',
  'dueShard',
  'dueSort',
  'ageShard',
  'ageSort',
  'deskStatus',
  'deskSort',
  'borrowerKey',
  'borrowerSort',
  'provinceShard',
  'provinceSort',
];

/** The record an item holds: the item less its key and index attributes (and any `extra` storage-only ones). */
export function recordOf<T>(item: Record<string, unknown>, extra: readonly string[] = []): T {
  const copy = { ...item };
  for (const name of STORAGE_ATTRIBUTES) delete copy[name];
  for (const name of extra) delete copy[name];
  return copy as T;
}
