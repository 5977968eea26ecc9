import { describe, expect, it } from 'vitest';
import { handleInboundSms } from '#shared/reminders/inbound-sms.ts';
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
    expect(await handleInboundSms(h, { from: SHARED, body: 'STOP' })).toEqual({ optedOut: 2 });
    expect(await optOutOf(h, 'pa', 'x')).toEqual(['sms']);
    expect(await optOutOf(h, 'pb', 'y')).toEqual(['sms']);
  });

  it('leaves borrowers on other numbers alone', async () => {
    const h = await borrowers();
    await handleInboundSms(h, { from: SHARED, body: 'STOP' });
    expect(await optOutOf(h, 'pa', 'z')).toEqual([]);
  });

  it('records when the preference changed', async () => {
    const h = await borrowers();
    await handleInboundSms(h, { from: SHARED, body: 'STOP' });
    expect((await h.repos.borrowers.get('pa', 'x'))?.updatedAt).toBe(NOW.toISOString());
  });

  it.each(['退订', 'TD', 'td', ' Stop! '])('takes %j as an opt-out', async (body) => {
    const h = await borrowers();
    expect(await handleInboundSms(h, { from: OTHER, body })).toEqual({ optedOut: 1 });
    expect(await optOutOf(h, 'pa', 'z')).toEqual(['sms']);
  });

  it('changes nothing for a reply that is not an opt-out keyword', async () => {
    const h = await borrowers();
    expect(await handleInboundSms(h, { from: SHARED, body: 'paid yesterday, please stop calling' })).toEqual({
      optedOut: 0,
    });
    expect(await optOutOf(h, 'pa', 'x')).toEqual([]);
    expect(await optOutOf(h, 'pb', 'y')).toEqual([]);
  });

  it('opts no one out for a number no borrower uses', async () => {
    const h = await borrowers();
    expect(await handleInboundSms(h, { from: '+8613799999999', body: 'STOP' })).toEqual({ optedOut: 0 });
  });

  it('keeps other opt-outs and lists SMS once when it was opted out already', async () => {
    const h = harness(NOW);
    await addBorrower(h, { borrowerId: 'x', phone: SHARED, optOut: ['email'] });
    await handleInboundSms(h, { from: SHARED, body: 'STOP' });
    await handleInboundSms(h, { from: SHARED, body: 'STOP' });
    expect(await optOutOf(h, 'p1', 'x')).toEqual(['email', 'sms']);
  });

  it('leaves alone a borrower who has since moved to another number', async () => {
    const h = await borrowers();
    const before = await h.repos.borrowers.get('pa', 'z');
    if (!before) throw new Error('z is missing');
    // The number changed, but the lookup of the old one is still there (a stale index entry).
    await h.repos.borrowers.upsert({ ...before, phoneHash: h.keys.hashPhone('+8613700000011') });
    expect(await h.repos.borrowers.findByPhoneHash(h.keys.hashPhone(OTHER))).toHaveLength(1);
    expect(await handleInboundSms(h, { from: OTHER, body: 'STOP' })).toEqual({ optedOut: 0 });
    expect(await optOutOf(h, 'pa', 'z')).toEqual([]);
  });
});
