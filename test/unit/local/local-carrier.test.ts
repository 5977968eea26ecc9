import { describe, expect, it } from 'vitest';
import { Outbox } from '#local/outbox.ts';
import { isNumberRefused } from '#shared/reminders/send-contact.ts';

describe('the local carrier', () => {
  it('refuses an SMS to the unreachable +86 140 range for good, and the sender reads it so', async () => {
    const outbox = new Outbox();
    const refusal = await outbox.sendSms('+8614000000017', 'hello').catch((err) => err);
    expect(isNumberRefused(refusal)).toBe(true);
    expect(outbox.accepted).toEqual([]);
  });

  it('accepts the numbers around it, and email', async () => {
    const outbox = new Outbox();
    await outbox.sendSms('+8613800000017', 'hello');
    await outbox.sendSms('+86140000000170', 'hello');
    await outbox.sendEmail('demo17@example.com', 'subject', 'hello');
    expect(outbox.accepted.map((m) => m.channel)).toEqual(['sms', 'sms', 'email']);
  });
});

describe('isNumberRefused', () => {
  it("takes SNS's invalid PhoneNumber for a refused number, and no other invalid parameter", () => {
    const sns = (message: string) => Object.assign(new Error(message), { name: 'InvalidParameterException' });
    expect(isNumberRefused(sns('Invalid parameter: PhoneNumber Reason: not valid to publish'))).toBe(true);
    expect(isNumberRefused(sns('Invalid parameter: MessageAttributes'))).toBe(false);
    // The error name as the SNS query protocol reports it, without the `Exception` suffix.
    const query = Object.assign(new Error('Invalid parameter: PhoneNumber'), { name: 'InvalidParameter' });
    expect(isNumberRefused(query)).toBe(true);
    expect(isNumberRefused(Object.assign(new Error('PhoneNumber'), { name: 'Throttling' }))).toBe(false);
    expect(isNumberRefused(undefined)).toBe(false);
  });
});
