import type { BeginResult, IdempotencyRecord, KeyedAnswer, StoredResponse } from '#shared/ports/records.ts';
import type { IdempotencyRecords } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';

/** A record as stored. */
interface StoredRecord {
  requestHash?: string;
  status: 'in_progress' | 'completed';
  response?: StoredResponse;
  /** Epoch seconds. */
  expiresAt?: number;
  /** Epoch seconds: after this a request still in progress is presumed dead. */
  inProgressUntil?: number;
}

/**
 * Idempotency records of partner POSTs, in memory, per (partner, key). An expired record, and one whose
 * request died in progress, count as absent for `begin`. Nothing removes expired records (DynamoDB's
 * TTL does so at some unspecified time), so `get` may still return one.
 */
export class InMemoryIdempotencyRecords implements IdempotencyRecords {
  private readonly records = new Map<string, StoredRecord>();

  constructor(
    /** Longer than any API function's timeout: a request still in progress after this has died. */
    private readonly inProgressSeconds: number,
  ) {}

  async begin(
    partnerId: string,
    key: string,
    requestHash: string,
    now: Date,
    ttlSeconds: number,
  ): Promise<BeginResult> {
    const id = recordId(partnerId, key);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (this.isFree(id, nowSeconds)) {
      this.records.set(id, {
        requestHash,
        status: 'in_progress',
        inProgressUntil: nowSeconds + this.inProgressSeconds,
        expiresAt: nowSeconds + ttlSeconds,
      });
      return { kind: 'started' };
    }
    const existing = this.records.get(id) as StoredRecord;
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.status === 'completed' && existing.response)
      return { kind: 'replay', response: stored(existing.response) };
    return { kind: 'in_progress' };
  }

  /** Stores the answer on the record its request began; with none left (released, expired) nothing changes. */
  async complete(partnerId: string, key: string, response: StoredResponse): Promise<void> {
    const id = recordId(partnerId, key);
    const existing = this.records.get(id);
    if (existing) this.records.set(id, { ...existing, status: 'completed', response: stored(response) });
  }

  async saveAnswer(answer: KeyedAnswer): Promise<boolean> {
    if (!this.canAnswer(answer)) return false;
    this.answer(answer);
    return true;
  }

  /** Whether `answer` may be stored now: its key is free (for a store committing it with its own write). */
  canAnswer(answer: KeyedAnswer): boolean {
    return this.isFree(recordId(answer.partnerId, answer.key), Math.floor(answer.now.getTime() / 1000));
  }

  /** Stores `answer` completed (after `canAnswer`, in the same step). */
  answer(answer: KeyedAnswer): void {
    this.records.set(recordId(answer.partnerId, answer.key), {
      requestHash: answer.requestHash,
      status: 'completed',
      response: stored(answer.response),
      expiresAt: Math.floor(answer.now.getTime() / 1000) + answer.ttlSeconds,
    });
  }

  /** No record, an expired one, or a request that died in progress: a new request may take the key. */
  private isFree(id: string, nowSeconds: number): boolean {
    const existing = this.records.get(id);
    return (
      !existing ||
      (existing.expiresAt !== undefined && existing.expiresAt < nowSeconds) ||
      (existing.status === 'in_progress' &&
        existing.inProgressUntil !== undefined &&
        existing.inProgressUntil < nowSeconds)
    );
  }

  /** Drops a record still in progress; a completed one (or none) is left as it is. */
  async release(partnerId: string, key: string): Promise<void> {
    const id = recordId(partnerId, key);
    if (this.records.get(id)?.status === 'in_progress') this.records.delete(id);
  }

  async get(partnerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const found = this.records.get(recordId(partnerId, key));
    if (!found) return undefined;
    const { inProgressUntil: _lease, ...record } = found;
    return stored(record) as IdempotencyRecord;
  }
}

const recordId = (partnerId: string, key: string) => `${partnerId}#${key}`;
