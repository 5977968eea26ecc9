import type { ClaimResult, ContactEntry, ContactKey, SlotReservation } from '#shared/ports/records.ts';
import type { ContactLedger } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';
import { checkTransaction, conditionalCheckFailed } from './dynamodb-errors.ts';

/** A ledger entry as stored: a suppressed one also says when (the repository returns it too). */
type StoredEntry = ContactEntry & { suppressedAt?: string };

/** Where an entry is, for a reader whose channel is any string (a job's). */
type EntryKey = Omit<ContactKey, 'channel'> & { channel: string };

const pad = (n: number) => String(n).padStart(3, '0');
/**
 * Within a loan, entries sort as the table's sort key does: installment (zero-padded), occurrence, stage,
 * channel.
 */
const entryId = (key: EntryKey) => `${pad(key.installmentNo)}#${key.occurrence}#${key.stage}#${key.channel}`;
const dayId = (slot: SlotReservation) => `${slot.identityHash}#${slot.localDate}`;

/**
 * The contact ledger in memory: the same claims, leases, daily slots and final states as the
 * repository's conditional writes. Instants are compared as ISO strings, as the table compares them.
 */
export class InMemoryContactLedger implements ContactLedger {
  /** By loan id, then the entry's sort key. */
  private readonly entries = new Map<string, Map<string, StoredEntry>>();
  /** By person and local date, then channel: the message keys holding a slot. */
  private readonly days = new Map<string, Map<string, Set<string>>>();

  async claim(key: ContactKey, now: Date, leaseSeconds: number): Promise<ClaimResult> {
    if (this.claimable(key, now)) {
      this.writeClaim(key, now, leaseSeconds);
      return 'claimed';
    }
    const status = this.find(key)?.status;
    return status === 'sent' || status === 'suppressed' ? 'already-sent' : 'in-progress';
  }

  async claimAll(
    jobs: { id: string; keys: ContactKey[]; slot: SlotReservation }[],
    now: Date,
    leaseSeconds: number,
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    checkTransaction(
      jobs.flatMap((job) => [
        `day|${dayId(job.slot)}`,
        ...job.keys.map((key) => `contact|${key.loanId}|${entryId(key)}`),
      ]),
    );
    const failed = jobs
      .filter((job) => !this.slotFits(job.slot) || job.keys.some((key) => !this.claimable(key, now)))
      .map((job) => job.id);
    if (failed.length > 0) return [...new Set(failed)];
    for (const job of jobs) {
      this.writeSlot(job.slot);
      for (const key of job.keys) this.writeClaim(key, now, leaseSeconds);
    }
    return [];
  }

  async reserveDailySlot(slot: SlotReservation): Promise<boolean> {
    if (!this.slotFits(slot)) return false;
    this.writeSlot(slot);
    return true;
  }

  async markSent(key: ContactKey, sentAt: Date, messageId: string): Promise<void> {
    const entry = this.find(key);
    if (!entry) throw conditionalCheckFailed();
    entry.status = 'sent';
    entry.sentAt = sentAt.toISOString();
    entry.messageId = messageId;
    delete entry.failure;
  }

  async markSuppressed(key: ContactKey, at: Date, reason: string): Promise<void> {
    const entry = this.find(key);
    if (entry?.status !== 'claimed') throw conditionalCheckFailed();
    entry.status = 'suppressed';
    entry.suppressedAt = at.toISOString();
    entry.failure = reason;
  }

  async markFailed(key: ContactKey, now: Date, failure: string): Promise<void> {
    const entry = this.find(key);
    if (entry?.status !== 'claimed') throw conditionalCheckFailed();
    entry.status = 'failed';
    entry.failure = failure;
    entry.leaseUntil = now.toISOString();
  }

  async get(key: ContactKey): Promise<ContactEntry | undefined> {
    const entry = this.find(key);
    return entry ? stored(entry) : undefined;
  }

  async listForLoan(loanId: string): Promise<ContactEntry[]> {
    return this.entriesOf(loanId);
  }

  /** Copies of a loan's entries in sort-key order, read at once (for other in-memory stores too). */
  entriesOf(loanId: string): ContactEntry[] {
    return [...(this.entries.get(loanId)?.entries() ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, entry]) => stored(entry));
  }

  /** The stored entry itself, for other in-memory stores reading in the same step (never handed out). */
  peek(key: EntryKey): ContactEntry | undefined {
    return this.find(key);
  }

  private find(key: EntryKey): StoredEntry | undefined {
    return this.entries.get(key.loanId)?.get(entryId(key));
  }

  /** New, or neither sent nor suppressed and its lease over (a failed attempt's lease ends when it failed). */
  private claimable(key: ContactKey, now: Date): boolean {
    const entry = this.find(key);
    return (
      entry === undefined ||
      (entry.status !== 'sent' && entry.status !== 'suppressed' && entry.leaseUntil < now.toISOString())
    );
  }

  /** Claims the contact; what an earlier attempt recorded (its failure, say) stays until overwritten. */
  private writeClaim(key: ContactKey, now: Date, leaseSeconds: number): void {
    const byEntry = this.entries.get(key.loanId) ?? new Map<string, StoredEntry>();
    const before = byEntry.get(entryId(key));
    byEntry.set(entryId(key), {
      ...before,
      loanId: key.loanId,
      installmentNo: key.installmentNo,
      occurrence: key.occurrence,
      stage: key.stage,
      channel: key.channel,
      status: 'claimed',
      claimedAt: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
      attempts: (before?.attempts ?? 0) + 1,
    });
    this.entries.set(key.loanId, byEntry);
  }

  /** A slot is free for a message that holds one already, or while the channel is under the cap. */
  private slotFits(slot: SlotReservation): boolean {
    const held = this.days.get(dayId(slot))?.get(slot.channel);
    return held === undefined ? slot.cap > 0 : held.has(slot.messageKey) || held.size < slot.cap;
  }

  private writeSlot(slot: SlotReservation): void {
    const day = this.days.get(dayId(slot)) ?? new Map<string, Set<string>>();
    const held = day.get(slot.channel) ?? new Set<string>();
    held.add(slot.messageKey);
    day.set(slot.channel, held);
    this.days.set(dayId(slot), day);
  }
}
