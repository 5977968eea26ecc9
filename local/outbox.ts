import { createHash } from 'node:crypto';
import type { ContactSender } from '#shared/ports/contact.ts';

export class TransientSendError extends Error {
  override name = 'TransientSendError';
}

/** The carrier's "slow down" (as SNS's Throttling): the sender backs off without failing the job. */
export class CarrierThrottled extends Error {
  override name = 'CarrierThrottled';
}

/** The carrier refuses the number itself, for good (as SNS's invalid PhoneNumber): the sender marks it wrong. */
export class NumberRefused extends Error {
  override name = 'NumberRefused';
}

/**
 * The numbers the local carrier refuses: mainland +86 140, a range for data-only IoT cards that no SMS
 * reaches. The demo book gives a few borrowers one, so `UNDELIVERABLE` has something to show.
 */
export const UNREACHABLE_NUMBER = /^\+86140\d{8}$/;

export interface OutboxMessage {
  messageId: string;
  channel: 'sms' | 'email';
  /** The bodies only: addresses are not kept, so the outbox holds no personal data. */
  body: string;
  /** What the message was sent for (the sender's job, when the caller names it): the same twice is a repeat. */
  fingerprint: string;
}

/**
 * The local carrier: accepts messages into memory, but for a number in the unreachable range. `refuse`
 * injects what a carrier does under load: a transient failure, or throttling.
 */
export class Outbox implements ContactSender {
  readonly accepted: OutboxMessage[] = [];
  constructor(
    private readonly refuse: () => 'fail' | 'throttle' | undefined = () => undefined,
    /**
     * Names what is being sent (the simulator passes the job the sender is on): two accepts for one job
     * are a repeat. Without it, the same body to the same address on one UTC day counts as one.
     */
    private readonly sending?: () => string | undefined,
  ) {}

  async sendSms(to: string, body: string): Promise<string> {
    return this.accept('sms', to, body);
  }

  async sendEmail(to: string, _subject: string, body: string): Promise<string> {
    return this.accept('email', to, body);
  }

  /** Messages the carrier accepted more than once for the same thing: what a person received twice. */
  get repeats(): number {
    const seen = new Map<string, number>();
    for (const m of this.accepted) seen.set(m.fingerprint, (seen.get(m.fingerprint) ?? 0) + 1);
    return [...seen.values()].reduce((sum, n) => sum + (n - 1), 0);
  }

  private accept(channel: 'sms' | 'email', to: string, body: string): string {
    if (channel === 'sms' && UNREACHABLE_NUMBER.test(to))
      throw new NumberRefused('number not reachable by SMS');
    const refusal = this.refuse();
    if (refusal === 'fail') throw new TransientSendError('carrier failed the request');
    if (refusal === 'throttle') throw new CarrierThrottled('carrier throttled the request');
    const messageId = `msg-${String(this.accepted.length + 1).padStart(6, '0')}`;
    const fingerprint =
      this.sending?.() ??
      createHash('sha256')
        .update(`${new Date().toISOString().slice(0, 10)}\u0000${channel}\u0000${to}\u0000${body}`)
        .digest('hex');
    this.accepted.push({ messageId, channel, body, fingerprint });
    return messageId;
  }
}
