import { describe, expect, it } from 'vitest';
import type { ContactPreferences } from '#shared/ports/records.ts';
import { borrowerFixture } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const later = '2027-06-01T00:00:00.000Z';
const english: ContactPreferences = {
  language: 'en',
  timezone: 'Asia/Hong_Kong',
  optOut: ['email'],
  consents: {
    contactBySms: true,
    contactByEmail: true,
    shareWithCollectionAgencies: true,
    sensitiveData: true,
  },
};

/**
 * The BorrowerStore contract: upsert keeps preferences already set, preferences and opt-outs only for
 * a borrower that exists, the phone lookup, and the cross-partner identity status.
 */
function borrowerStoreContract(target: Target): void {
  const stores = useStores(target);
  const borrowers = () => stores().borrowers;

  describe('borrowers', () => {
    it('creates a borrower and reads it back; another partner’s id is another borrower', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      expect(await borrowers().get(b.partnerId, b.borrowerId)).toEqual(b);
      expect(await borrowers().get('p-other', b.borrowerId)).toBeUndefined();
    });

    it('refreshes contact data on upsert and keeps the preferences and creation time already set', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      expect(await borrowers().setPreferences(b.partnerId, b.borrowerId, english, later)).toBe(true);
      const refreshed = {
        ...b,
        phoneEncrypted: 'enc:new-phone',
        preferences: { ...b.preferences, language: 'zh-CN' as const },
        createdAt: later,
        updatedAt: later,
      };
      await borrowers().upsert(refreshed);
      expect(await borrowers().get(b.partnerId, b.borrowerId)).toEqual({
        ...refreshed,
        preferences: english,
        createdAt: b.createdAt,
      });
    });

    it('sets preferences of a borrower that exists, and answers false for one that does not', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      expect(await borrowers().setPreferences(b.partnerId, b.borrowerId, english, later)).toBe(true);
      expect(await borrowers().get(b.partnerId, b.borrowerId)).toEqual({
        ...b,
        preferences: english,
        updatedAt: later,
      });
      const nobody = unique('nobody');
      expect(await borrowers().setPreferences(b.partnerId, nobody, english, later)).toBe(false);
      expect(await borrowers().get(b.partnerId, nobody)).toBeUndefined();
    });

    it('opts out of a channel once, and answers false for no such borrower', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      expect(await borrowers().optOut(b.partnerId, b.borrowerId, 'sms', later)).toBe(true);
      expect(await borrowers().optOut(b.partnerId, b.borrowerId, 'sms', '2027-07-01T00:00:00.000Z')).toBe(
        true,
      );
      const read = await borrowers().get(b.partnerId, b.borrowerId);
      expect(read?.preferences.optOut).toEqual(['sms']);
      expect(read?.updatedAt).toBe(later);
      expect(await borrowers().optOut(b.partnerId, unique('nobody'), 'sms', later)).toBe(false);
    });

    it('opts out from a phone only while the borrower still uses that number', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      expect(await borrowers().optOut(b.partnerId, b.borrowerId, 'sms', later, 'another-number')).toBe(false);
      expect((await borrowers().get(b.partnerId, b.borrowerId))?.preferences.optOut).toEqual([]);
      expect(await borrowers().optOut(b.partnerId, b.borrowerId, 'sms', later, b.phoneHash)).toBe(true);
      expect((await borrowers().get(b.partnerId, b.borrowerId))?.preferences.optOut).toEqual(['sms']);
    });

    it('finds the borrowers of every partner who use a phone number, by partner then borrower', async () => {
      const phoneHash = unique('phone');
      const id = unique('u');
      for (const partnerId of ['p-b', 'p-a'])
        await borrowers().upsert(borrowerFixture({ borrowerId: id, partnerId, phoneHash }));
      await borrowers().upsert(borrowerFixture({ borrowerId: unique('u'), phoneHash: unique('phone') }));
      expect(await borrowers().findByPhoneHash(phoneHash)).toEqual([
        { partnerId: 'p-a', borrowerId: id },
        { partnerId: 'p-b', borrowerId: id },
      ]);
      expect(await borrowers().findByPhoneHash(unique('phone'))).toEqual([]);
    });

    it('hands out copies', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      const expected = structuredClone(b);
      b.preferences.optOut.push('sms');
      const read = await borrowers().get(b.partnerId, b.borrowerId);
      read?.preferences.optOut.push('email');
      expect(await borrowers().get(b.partnerId, b.borrowerId)).toEqual(expected);

      const preferences = structuredClone(english);
      await borrowers().setPreferences(b.partnerId, b.borrowerId, preferences, later);
      preferences.optOut.push('sms');
      expect((await borrowers().get(b.partnerId, b.borrowerId))?.preferences).toEqual(english);
    });
  });

  describe('identity status', () => {
    it('is empty for a person never marked', async () => {
      const who = unique('person');
      expect(await borrowers().identityStatus(who)).toEqual({
        identityHash: who,
        overdueLoanIds: [],
        hardshipLoanIds: [],
      });
    });

    it('marks and clears overdue loans idempotently, sorted by loan id', async () => {
      const who = unique('person');
      await borrowers().setOverdue(who, 'loan-b', true);
      await borrowers().setOverdue(who, 'loan-b', true);
      await borrowers().setOverdue(who, 'loan-a', true);
      expect((await borrowers().identityStatus(who)).overdueLoanIds).toEqual(['loan-a', 'loan-b']);
      await borrowers().setOverdue(who, 'loan-b', false);
      await borrowers().setOverdue(who, 'loan-b', false);
      await borrowers().setOverdue(who, 'loan-c', false);
      expect(await borrowers().identityStatus(who)).toEqual({
        identityHash: who,
        overdueLoanIds: ['loan-a'],
        hardshipLoanIds: [],
      });
    });

    it('keeps hardship apart from overdue', async () => {
      const who = unique('person');
      await borrowers().setHardship(who, 'loan-h', true);
      await borrowers().setHardship(who, 'loan-h', true);
      await borrowers().setOverdue(who, 'loan-o', true);
      expect(await borrowers().identityStatus(who)).toEqual({
        identityHash: who,
        overdueLoanIds: ['loan-o'],
        hardshipLoanIds: ['loan-h'],
      });
      await borrowers().setHardship(who, 'loan-h', false);
      expect((await borrowers().identityStatus(who)).hardshipLoanIds).toEqual([]);
      await borrowers().setOverdue(who, 'loan-o', false);
      expect(await borrowers().identityStatus(who)).toEqual({
        identityHash: who,
        overdueLoanIds: [],
        hardshipLoanIds: [],
      });
    });
  });

  describe('scoring view', () => {
    it('reads the partner’s named borrower with the person’s status across partners', async () => {
      const who = unique('person');
      const b = borrowerFixture({ borrowerId: unique('u'), identityHash: who });
      await borrowers().upsert(b);
      await borrowers().setOverdue(who, 'loan-elsewhere', true);
      const status = { identityHash: who, overdueLoanIds: ['loan-elsewhere'], hardshipLoanIds: [] };
      expect(await borrowers().scoringView(who, b.partnerId, b.borrowerId)).toEqual({ borrower: b, status });
      expect(await borrowers().scoringView(who, 'p-other', b.borrowerId)).toEqual({
        borrower: undefined,
        status,
      });
      expect(await borrowers().scoringView(who, b.partnerId)).toEqual({ borrower: undefined, status });
    });
  });
}

describe.each(targets)('BorrowerStore on $name', (target) => borrowerStoreContract(target));
