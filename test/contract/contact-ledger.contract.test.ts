import { describe, expect, it } from 'vitest';
import type { ContactKey } from '#shared/ports/records.ts';
import { contactKey, secondsAfter, slotFixture } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const t0 = new Date('2027-06-07T01:00:00.000Z');
const lease = 30;

/**
 * The ContactLedger contract: one claim per contact under a lease, taken over when the lease ran out,
 * never again once sent or suppressed; the daily cap as an idempotent reservation; a batch claimed whole
 * or not at all; and the outcomes recorded only for a contact that is held.
 */
function contactLedgerContract(target: Target): void {
  const stores = useStores(target);
  const ledger = () => stores().contacts;

  describe('claim', () => {
    it('claims a new contact and records the claim with its lease', async () => {
      const key = contactKey(unique('L'));
      expect(await ledger().claim(key, t0, lease)).toBe('claimed');
      expect(await ledger().get(key)).toEqual({
        ...key,
        status: 'claimed',
        claimedAt: t0.toISOString(),
        leaseUntil: secondsAfter(t0, lease).toISOString(),
        attempts: 1,
      });
    });

    it('answers in-progress while the claim is live, its last instant included', async () => {
      const key = contactKey(unique('L'));
      await ledger().claim(key, t0, lease);
      expect(await ledger().claim(key, secondsAfter(t0, 1), lease)).toBe('in-progress');
      expect(await ledger().claim(key, secondsAfter(t0, lease), lease)).toBe('in-progress');
      expect((await ledger().get(key))?.attempts).toBe(1);
    });

    it('lets a claim whose lease ran out be claimed again', async () => {
      const key = contactKey(unique('L'));
      await ledger().claim(key, t0, lease);
      const later = secondsAfter(t0, lease + 1);
      expect(await ledger().claim(key, later, lease)).toBe('claimed');
      expect(await ledger().get(key)).toMatchObject({
        status: 'claimed',
        claimedAt: later.toISOString(),
        leaseUntil: secondsAfter(later, lease).toISOString(),
        attempts: 2,
      });
    });

    it('answers already-sent once sent, however late', async () => {
      const key = contactKey(unique('L'));
      await ledger().claim(key, t0, lease);
      await ledger().markSent(key, secondsAfter(t0, 2), 'msg-1');
      expect(await ledger().claim(key, secondsAfter(t0, 86_400), lease)).toBe('already-sent');
      expect(await ledger().get(key)).toMatchObject({
        status: 'sent',
        sentAt: secondsAfter(t0, 2).toISOString(),
        messageId: 'msg-1',
        attempts: 1,
      });
    });

    it('answers already-sent once suppressed, and keeps the reason', async () => {
      const key = contactKey(unique('L'));
      await ledger().claim(key, t0, lease);
      await ledger().markSuppressed(key, t0, 'opted_out');
      expect(await ledger().claim(key, secondsAfter(t0, 86_400), lease)).toBe('already-sent');
      expect(await ledger().get(key)).toMatchObject({ status: 'suppressed', failure: 'opted_out' });
    });

    it('releases a failed attempt so a retry may claim it right after', async () => {
      const key = contactKey(unique('L'));
      await ledger().claim(key, t0, lease);
      await ledger().markFailed(key, secondsAfter(t0, 1), 'Throttling');
      expect(await ledger().get(key)).toMatchObject({
        status: 'failed',
        failure: 'Throttling',
        leaseUntil: secondsAfter(t0, 1).toISOString(),
      });
      expect(await ledger().claim(key, secondsAfter(t0, 2), lease)).toBe('claimed');
      await ledger().markSent(key, secondsAfter(t0, 3), 'msg-2');
      const entry = await ledger().get(key);
      expect(entry).toMatchObject({ status: 'sent', attempts: 2, messageId: 'msg-2' });
      expect(entry?.failure).toBeUndefined();
    });

    it('keeps each installment, occurrence, stage and channel apart', async () => {
      const loanId = unique('L');
      await ledger().claim(contactKey(loanId), t0, lease);
      await ledger().markSent(contactKey(loanId), t0, 'msg-1');
      for (const other of [
        contactKey(loanId, { installmentNo: 2 }),
        // The same reminder again for a re-dated installment, and a rung of a new episode.
        contactKey(loanId, { occurrence: '2027-07-10' }),
        contactKey(loanId, { occurrence: 'e2' }),
        contactKey(loanId, { stage: 'D-1' }),
        contactKey(loanId, { channel: 'email' }),
        contactKey(unique('L')),
      ]) {
        expect(await ledger().claim(other, secondsAfter(t0, 1), lease)).toBe('claimed');
      }
    });
  });

  describe('outcomes', () => {
    it('refuses to mark suppressed or failed a contact that is not claimed', async () => {
      const key = contactKey(unique('L'));
      await expect(ledger().markSuppressed(key, t0, 'opted_out')).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      await expect(ledger().markFailed(key, t0, 'Throttling')).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      expect(await ledger().get(key)).toBeUndefined();

      await ledger().claim(key, t0, lease);
      await ledger().markSent(key, t0, 'msg-1');
      await expect(ledger().markSuppressed(key, t0, 'late')).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      await expect(ledger().markFailed(key, t0, 'late')).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      expect(await ledger().get(key)).toMatchObject({ status: 'sent', messageId: 'msg-1' });
    });

    it('refuses to mark sent a contact never claimed', async () => {
      const key = contactKey(unique('L'));
      await expect(ledger().markSent(key, t0, 'msg-1')).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      expect(await ledger().get(key)).toBeUndefined();
    });
  });

  describe('daily slots', () => {
    it('reserves up to the cap, then answers false', async () => {
      const person = unique('person');
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm1'))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm2'))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm3'))).toBe(false);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm4'))).toBe(false);
    });

    it('reserves nothing under a cap of 0, not even the first message', async () => {
      const person = unique('person');
      expect(await ledger().reserveDailySlot({ ...slotFixture(person, 'm1'), cap: 0 })).toBe(false);
    });

    it('reserves once per message: the same message again is true, even at the cap, and takes no slot', async () => {
      const person = unique('person');
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm1'))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm1'))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm2'))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm1'))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm3'))).toBe(false);
    });

    it('counts each channel, day and person on its own', async () => {
      const person = unique('person');
      const one = { cap: 1 };
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm1', one))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm2', { ...one, channel: 'email' }))).toBe(
        true,
      );
      expect(
        await ledger().reserveDailySlot(slotFixture(person, 'm3', { ...one, localDate: '2027-06-08' })),
      ).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(unique('person'), 'm4', one))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(person, 'm5', one))).toBe(false);
    });
  });

  describe('claimAll', () => {
    const job = (id: string, keys: ContactKey[], person: string, messageKey = id) => ({
      id,
      keys,
      slot: slotFixture(person, messageKey, { cap: 1 }),
    });

    it('claims every job and reserves every slot, answering no ids', async () => {
      const [a, b] = [unique('L'), unique('L')];
      const [pa, pb] = [unique('person'), unique('person')];
      const keys = [contactKey(a), contactKey(a, { installmentNo: 2 }), contactKey(b)];
      expect(
        await ledger().claimAll(
          [job('job-a', keys.slice(0, 2), pa), job('job-b', keys.slice(2), pb)],
          t0,
          lease,
        ),
      ).toEqual([]);
      for (const key of keys) {
        expect(await ledger().get(key)).toMatchObject({
          status: 'claimed',
          attempts: 1,
          claimedAt: t0.toISOString(),
        });
      }
      // Each person's one slot is taken by the job's message: another message finds the day full.
      expect(await ledger().reserveDailySlot(slotFixture(pa, 'other', { cap: 1 }))).toBe(false);
      expect(await ledger().reserveDailySlot(slotFixture(pa, 'job-a', { cap: 1 }))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(pb, 'other', { cap: 1 }))).toBe(false);
    });

    it('writes nothing when any claim or slot stands in the way, and names those jobs', async () => {
      const [held, sent, full, free] = [unique('L'), unique('L'), unique('L'), unique('L')];
      const [pHeld, pSent, pFull, pFree] = [unique('p'), unique('p'), unique('p'), unique('p')];
      await ledger().claim(contactKey(held), t0, lease);
      await ledger().claim(contactKey(sent), t0, lease);
      await ledger().markSent(contactKey(sent), t0, 'msg');
      await ledger().reserveDailySlot(slotFixture(pFull, 'earlier', { cap: 1 }));

      const failed = await ledger().claimAll(
        [
          job('job-held', [contactKey(held)], pHeld),
          job('job-free', [contactKey(free), contactKey(free, { installmentNo: 2 })], pFree),
          job('job-sent', [contactKey(sent)], pSent),
          job('job-full', [contactKey(full)], pFull),
        ],
        secondsAfter(t0, 1),
        lease,
      );
      expect([...failed].sort()).toEqual(['job-full', 'job-held', 'job-sent']);
      expect(await ledger().get(contactKey(free))).toBeUndefined();
      expect(await ledger().get(contactKey(free, { installmentNo: 2 }))).toBeUndefined();
      expect(await ledger().get(contactKey(full))).toBeUndefined();
      expect(await ledger().get(contactKey(held))).toMatchObject({
        attempts: 1,
        claimedAt: t0.toISOString(),
      });
      // The free job's and the held job's slots were not reserved either.
      expect(await ledger().reserveDailySlot(slotFixture(pFree, 'other', { cap: 1 }))).toBe(true);
      expect(await ledger().reserveDailySlot(slotFixture(pHeld, 'other', { cap: 1 }))).toBe(true);
    });

    it('takes over claims whose lease ran out, and counts a message that holds its slot already', async () => {
      const loanId = unique('L');
      const person = unique('person');
      await ledger().claim(contactKey(loanId), t0, lease);
      await ledger().reserveDailySlot(slotFixture(person, 'job-x', { cap: 1 }));
      const later = secondsAfter(t0, lease + 1);
      expect(await ledger().claimAll([job('job-x', [contactKey(loanId)], person)], later, lease)).toEqual([]);
      expect(await ledger().get(contactKey(loanId))).toMatchObject({
        status: 'claimed',
        attempts: 2,
        claimedAt: later.toISOString(),
      });
    });

    it('claims nothing for no jobs, and answers that nothing stood in the way', async () => {
      expect(await ledger().claimAll([], t0, lease)).toEqual([]);
    });

    it('refuses as a whole what one transaction cannot hold: one item twice, over 100 items', async () => {
      const person = unique('person');
      const [a, b] = [unique('L'), unique('L')];
      const refused = { name: 'ValidationException' };
      // Two jobs of one person on one day share the day's slot item (both channels).
      await expect(
        ledger().claimAll(
          [
            job('job-sms', [contactKey(a)], person),
            {
              ...job('job-email', [contactKey(b, { channel: 'email' })], person),
              slot: slotFixture(person, 'e', { channel: 'email' }),
            },
          ],
          t0,
          lease,
        ),
      ).rejects.toMatchObject(refused);
      const many = Array.from({ length: 100 }, (_, i) => contactKey(a, { installmentNo: i + 1 }));
      await expect(
        ledger().claimAll([job('job-big', many, unique('person'))], t0, lease),
      ).rejects.toMatchObject(refused);
      expect(await ledger().get(contactKey(a))).toBeUndefined();
      expect(await ledger().get(contactKey(b, { channel: 'email' }))).toBeUndefined();
      expect(await ledger().reserveDailySlot(slotFixture(person, 'other', { cap: 1 }))).toBe(true);
    });
  });

  describe('reading', () => {
    it('lists a loan’s entries by installment, occurrence, stage and channel, and no other loan’s', async () => {
      const loanId = unique('L');
      const keys = [
        contactKey(loanId, { installmentNo: 2, stage: 'D0' }),
        contactKey(loanId, { occurrence: '2027-07-01', stage: 'D-3' }),
        contactKey(loanId, { stage: 'D-3' }),
        contactKey(loanId, { stage: 'D-1', channel: 'sms' }),
        contactKey(loanId, { stage: 'D-1', channel: 'email' }),
      ];
      for (const key of keys) await ledger().claim(key, t0, lease);
      await ledger().claim(contactKey(unique('L')), t0, lease);
      const listed = await ledger().listForLoan(loanId);
      expect(listed.map((e) => [e.installmentNo, e.occurrence, e.stage, e.channel])).toEqual([
        [1, '2027-06-10', 'D-1', 'email'],
        [1, '2027-06-10', 'D-1', 'sms'],
        [1, '2027-06-10', 'D-3', 'sms'],
        [1, '2027-07-01', 'D-3', 'sms'],
        [2, '2027-06-10', 'D0', 'sms'],
      ]);
      expect(listed[0]).toEqual(await ledger().get(contactKey(loanId, { stage: 'D-1', channel: 'email' })));
      expect(await ledger().listForLoan(unique('L'))).toEqual([]);
    });

    it('hands out copies', async () => {
      const key = contactKey(unique('L'));
      await ledger().claim(key, t0, lease);
      const entry = await ledger().get(key);
      if (!entry) throw new Error('not claimed');
      entry.status = 'sent';
      const [listed] = await ledger().listForLoan(key.loanId);
      if (!listed) throw new Error('not listed');
      listed.attempts = 9;
      expect(await ledger().get(key)).toMatchObject({ status: 'claimed', attempts: 1 });
    });
  });
}

describe.each(targets)('ContactLedger on $name', (target) => contactLedgerContract(target));
