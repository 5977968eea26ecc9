import { describe, expect, it } from 'vitest';
import { complaintTextField } from '#shared/ports/key-service.ts';
import { complaintIdFor, handleInboundSms } from '#shared/reminders/inbound-sms.ts';
import { addBorrower, type Harness, harness } from './harness.ts';

const NOW = new Date('2027-06-01T02:00:00.000Z');
const SHARED = '+8613700000009';
const OTHER = '+8613700000010';

/** One person as x at partner pa and y at partner pb on one number; z at pa on another. */
async function borrowers(): Promise<Harness> {
  const h = harness(NOW);
  await addBorrower(h, { partnerId: 'pa', borrowerId: 'x', phone: SHARED });
  await addBorrower(h, { partnerId: 'pb', borrowerId: 'y', phone: SHARED });
  await addBorrower(h, { partnerId: 'pa', borrowerId: 'z', phone: OTHER, idNumber: '110101199003071233' });
  return h;
}

const optOutOf = async (h: Harness, partnerId: string, borrowerId: string) =>
  (await h.repos.borrowers.get(partnerId, borrowerId))?.preferences.optOut;

describe('handleInboundSms', () => {
  it('opts every borrower using the number out of SMS, at every partner', async () => {
    const h = await borrowers();
    expect(await handleInboundSms(h, { messageId: 'm-1', from: SHARED, body: 'STOP' })).toEqual({
      optedOut: 2,
      complaints: 0,
    });
    expect(await optOutOf(h, 'pa', 'x')).toEqual(['sms']);
    expect(await optOutOf(h, 'pb', 'y')).toEqual(['sms']);
  });

  it('leaves borrowers on other numbers alone', async () => {
    const h = await borrowers();
    await handleInboundSms(h, { messageId: 'm-2', from: SHARED, body: 'STOP' });
    expect(await optOutOf(h, 'pa', 'z')).toEqual([]);
  });

  it('records when the preference changed', async () => {
    const h = await borrowers();
    await handleInboundSms(h, { messageId: 'm-3', from: SHARED, body: 'STOP' });
    expect((await h.repos.borrowers.get('pa', 'x'))?.updatedAt).toBe(NOW.toISOString());
  });

  it.each(['退订', 'TD', 'td', ' Stop! '])('takes %j as an opt-out', async (body) => {
    const h = await borrowers();
    expect(await handleInboundSms(h, { messageId: 'm-4', from: OTHER, body })).toEqual({
      optedOut: 1,
      complaints: 0,
    });
    expect(await optOutOf(h, 'pa', 'z')).toEqual(['sms']);
  });

  it('changes nothing for a reply that is not an opt-out keyword', async () => {
    const h = await borrowers();
    expect(
      await handleInboundSms(h, {
        messageId: 'm-5',
        from: SHARED,
        body: 'paid yesterday, please stop calling',
      }),
    ).toEqual({ optedOut: 0, complaints: 1 });
    expect(await optOutOf(h, 'pa', 'x')).toEqual([]);
    expect(await optOutOf(h, 'pb', 'y')).toEqual([]);
  });

  it('opts no one out for a number no borrower uses', async () => {
    const h = await borrowers();
    expect(await handleInboundSms(h, { messageId: 'm-6', from: '+8613799999999', body: 'STOP' })).toEqual({
      optedOut: 0,
      complaints: 0,
    });
  });

  it('keeps other opt-outs and lists SMS once when it was opted out already', async () => {
    const h = harness(NOW);
    await addBorrower(h, { borrowerId: 'x', phone: SHARED, optOut: ['email'] });
    await handleInboundSms(h, { messageId: 'm-7', from: SHARED, body: 'STOP' });
    await handleInboundSms(h, { messageId: 'm-8', from: SHARED, body: 'STOP' });
    expect(await optOutOf(h, 'p1', 'x')).toEqual(['email', 'sms']);
  });

  it('leaves alone a borrower who has since moved to another number', async () => {
    const h = await borrowers();
    const before = await h.repos.borrowers.get('pa', 'z');
    if (!before) throw new Error('z is missing');
    // The number changed, but the lookup of the old one is still there (a stale index entry).
    await h.repos.borrowers.upsert({ ...before, phoneHash: h.keys.hashPhone('+8613700000011') });
    expect(await h.repos.borrowers.findByPhoneHash(h.keys.hashPhone(OTHER))).toHaveLength(1);
    expect(await handleInboundSms(h, { messageId: 'm-9', from: OTHER, body: 'STOP' })).toEqual({
      optedOut: 0,
      complaints: 0,
    });
    expect(await optOutOf(h, 'pa', 'z')).toEqual([]);
  });

  describe('a reply that is not an opt-out keyword', () => {
    const text = 'I paid on the 3rd, call 13800000000 and stop calling my mother';

    it('becomes one open complaint naming the borrowers on the number, its text sealed to it', async () => {
      const h = await borrowers();
      await handleInboundSms(h, { messageId: 'carrier-1', from: SHARED, body: text });
      const [complaint, ...more] = (await h.complaints.list({ status: 'open', limit: 10 })).complaints;
      expect(more).toEqual([]);
      expect(complaint).toMatchObject({
        complaintId: complaintIdFor('carrier-1'),
        receivedAt: NOW.toISOString(),
        phoneHash: h.keys.hashPhone(SHARED),
        status: 'open',
      });
      expect(complaint?.borrowers).toEqual(
        expect.arrayContaining([
          { partnerId: 'pa', borrowerId: 'x' },
          { partnerId: 'pb', borrowerId: 'y' },
        ]),
      );
      expect(complaint?.borrowers).toHaveLength(2);
      expect(JSON.stringify(complaint)).not.toContain('13800000000');
      const sealed = complaint?.textEncrypted as string;
      expect(await h.keys.decrypt(sealed, complaintTextField(complaintIdFor('carrier-1')))).toBe(text);
      await expect(h.keys.decrypt(sealed, complaintTextField(complaintIdFor('carrier-2')))).rejects.toThrow();
    });

    it('is recorded once however often the carrier delivers it', async () => {
      const h = await borrowers();
      const message = { messageId: 'carrier-1', from: SHARED, body: text };
      expect(await handleInboundSms(h, message)).toEqual({ optedOut: 0, complaints: 1 });
      expect(await handleInboundSms(h, message)).toEqual({ optedOut: 0, complaints: 0 });
      expect((await h.complaints.list({ status: 'open', limit: 10 })).complaints).toHaveLength(1);
    });

    it('is a complaint from a number no borrower uses too, naming nobody', async () => {
      const h = await borrowers();
      await handleInboundSms(h, { messageId: 'carrier-3', from: '+8613799999999', body: 'who is this?' });
      const [complaint] = (await h.complaints.list({ status: 'open', limit: 10 })).complaints;
      expect(complaint?.borrowers).toEqual([]);
    });

    it('an opt-out keyword makes no complaint', async () => {
      const h = await borrowers();
      await handleInboundSms(h, { messageId: 'carrier-4', from: SHARED, body: 'STOP' });
      expect((await h.complaints.list({ status: 'open', limit: 10 })).complaints).toEqual([]);
    });
  });
});
