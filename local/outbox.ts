import type { ContactSender } from '#shared/ports/contact.ts';

export class TransientSendError extends Error {
  override name = 'TransientSendError';
}

export interface OutboxMessage {
  messageId: string;
  channel: 'sms' | 'email';
  /** The bodies only: addresses are not kept, so the outbox holds no personal data. */
  body: string;
}

/** The local carrier: accepts messages into memory; `failNext` injects transient failures (like SNS throttling). */
export class Outbox implements ContactSender {
  readonly accepted: OutboxMessage[] = [];
  constructor(private readonly shouldFail: () => boolean = () => false) {}

  async sendSms(_to: string, body: string): Promise<string> {
    return this.accept('sms', body);
  }

  async sendEmail(_to: string, _subject: string, body: string): Promise<string> {
    return this.accept('email', body);
  }

  private accept(channel: 'sms' | 'email', body: string): string {
    if (this.shouldFail()) throw new TransientSendError('carrier throttled the request');
    const messageId = `msg-${String(this.accepted.length + 1).padStart(6, '0')}`;
    this.accepted.push({ messageId, channel, body });
    return messageId;
  }
}
