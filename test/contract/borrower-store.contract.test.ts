import { describe, expect, it } from 'vitest';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import type { ContactPreferences } from '#shared/ports/records.ts';
import { loanHistoryOf } from '#shared/scoring/behaviour.ts';
import { loanFixture } from '../fixtures/loans.ts';
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

    it('marks a number wrong only while it is the borrower’s', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(b);
      const mark = { since: later, phoneHash: b.phoneHash as string };
      expect(await borrowers().markWrongNumber(b.partnerId, b.borrowerId, mark)).toBe(true);
      expect((await borrowers().get(b.partnerId, b.borrowerId))?.wrongNumber).toEqual(mark);
      const other = borrowerFixture({ borrowerId: unique('u') });
      await borrowers().upsert(other);
      const stale = { since: later, phoneHash: 'another-number' };
      expect(await borrowers().markWrongNumber(other.partnerId, other.borrowerId, stale)).toBe(false);
      expect((await borrowers().get(other.partnerId, other.borrowerId))?.wrongNumber).toBeUndefined();
      expect(await borrowers().markWrongNumber(b.partnerId, unique('nobody'), mark)).toBe(false);
      expect(await borrowers().get(b.partnerId, unique('nobody'))).toBeUndefined();
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
    it('is empty for a person with no loan', async () => {
      const who = unique('person');
      expect(await borrowers().identityStatus(who)).toEqual({
        identityHash: who,
        loans: {},
        histories: {},
        brokenPromises: [],
      });
    });

    it('holds each loan’s exposure as the loan writes left it, and none once repaid', async () => {
      const who = unique('person');
      const a = loanFixture({ loanId: unique('loan-a'), identityHash: who });
      const b = loanFixture({ loanId: unique('loan-b'), identityHash: who, partnerId: 'p-other' });
      await stores().loans.book(a.loan, a.installments, {
        exposure: exposureOf(a.loan, a.installments),
        events: [],
      });
      await stores().loans.book(b.loan, b.installments, {
        exposure: exposureOf(b.loan, b.installments),
        events: [],
      });
      const status = await borrowers().identityStatus(who);
      expect(Object.keys(status.loans).sort()).toEqual([a.loan.loanId, b.loan.loanId].sort());
      expect(status.loans[b.loan.loanId]?.partnerId).toBe('p-other');
      expect(status.loans[a.loan.loanId]?.unpaid.map((u) => u.dueDate)).toEqual(
        a.installments.map((i) => i.dueDate),
      );

      await stores().loans.saveInstallments(a.loan, a.loan.version, [], { exposure: null, events: [] });
      expect(Object.keys((await borrowers().identityStatus(who)).loans)).toEqual([b.loan.loanId]);
    });

    it('keeps each loan’s repayment history once the loan is repaid, beside the exposures', async () => {
      const who = unique('person');
      const a = loanFixture({ loanId: unique('loan-h'), identityHash: who });
      const history = loanHistoryOf(a.loan, a.installments);
      await stores().loans.book(a.loan, a.installments, {
        exposure: exposureOf(a.loan, a.installments),
        history,
        events: [],
      });
      const paid = {
        ...history,
        installments: history.installments.map((i) => ({ ...i, paidOn: i.dueDate })),
      };
      await stores().loans.saveInstallments(a.loan, a.loan.version, [], {
        exposure: null,
        history: paid,
        events: [],
      });
      const status = await borrowers().identityStatus(who);
      expect(status.loans).toEqual({});
      expect(status.histories).toEqual({ [a.loan.loanId]: paid });
    });

    it('stores a credit limit only over the one expected, and shows it with the status', async () => {
      const who = unique('person');
      const b = { limit: 4_800_000, grade: 'B' as const, score: 645 };
      const c = { limit: 3_600_000, grade: 'C' as const, score: 610 };
      expect(await borrowers().saveCreditLimit(who, null, b, [])).toBe(true);
      expect(await borrowers().saveCreditLimit(who, null, c, [])).toBe(false);
      expect(await borrowers().saveCreditLimit(who, 1, c, [])).toBe(false);
      expect((await borrowers().identityStatus(who)).creditLimit).toEqual(b);
      expect(await borrowers().saveCreditLimit(who, b.limit, c, [])).toBe(true);
      expect((await borrowers().identityStatus(who)).creditLimit).toEqual(c);
    });

    it('is left as it was by a loan write that fails its version check', async () => {
      const who = unique('person');
      const a = loanFixture({ loanId: unique('loan'), identityHash: who });
      const exposure = exposureOf(a.loan, a.installments);
      await stores().loans.book(a.loan, a.installments, { exposure, events: [] });
      await expect(
        stores().loans.saveInstallments(a.loan, a.loan.version + 5, [], { exposure: null, events: [] }),
      ).rejects.toThrow(LoanVersionConflict);
      expect((await borrowers().identityStatus(who)).loans[a.loan.loanId]).toEqual(exposure);
    });
  });

  describe('scoring view', () => {
    it('reads the partner’s named borrower with the person’s status across partners', async () => {
      const who = unique('person');
      const b = borrowerFixture({ borrowerId: unique('u'), identityHash: who });
      await borrowers().upsert(b);
      const elsewhere = loanFixture({
        loanId: unique('loan-elsewhere'),
        identityHash: who,
        partnerId: 'p-other',
      });
      const exposure = exposureOf(elsewhere.loan, elsewhere.installments);
      await stores().loans.book(elsewhere.loan, elsewhere.installments, { exposure, events: [] });
      const status = {
        identityHash: who,
        loans: { [elsewhere.loan.loanId]: exposure },
        histories: {},
        brokenPromises: [],
      };
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
