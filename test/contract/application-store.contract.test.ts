import { describe, expect, it } from 'vitest';
import { ApplicationExists } from '#shared/errors/domain-errors.ts';
import { applicationFixture, borrowerFixture } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

/**
 * The ApplicationStore contract: a decision is stored once per id together with its borrower (neither
 * without the other); given the previous borrower, its consents are replaced and a changed phone
 * number's old lookup goes.
 */
function applicationStoreContract(target: Target): void {
  const stores = useStores(target);

  it('stores a decision with its borrower and the borrower’s phone lookup', async () => {
    const b = borrowerFixture({ borrowerId: unique('u') });
    const app = applicationFixture({ applicationId: unique('app'), borrowerId: b.borrowerId });
    await stores().applications.saveDecisionWithBorrower(app, b);
    expect(await stores().applications.get(app.applicationId)).toEqual(app);
    expect(await stores().borrowers.get(b.partnerId, b.borrowerId)).toEqual(b);
    expect(await stores().borrowers.findByPhoneHash(b.phoneHash as string)).toEqual([
      { partnerId: b.partnerId, borrowerId: b.borrowerId },
    ]);
  });

  it('answers undefined for an application never stored', async () => {
    expect(await stores().applications.get(unique('app'))).toBeUndefined();
  });

  it('refuses a taken id with ApplicationExists and changes neither the decision nor the borrower', async () => {
    const b = borrowerFixture({ borrowerId: unique('u') });
    const app = applicationFixture({ applicationId: unique('app') });
    await stores().applications.saveDecisionWithBorrower(app, b);
    const changed = { ...b, phoneEncrypted: 'enc:second', phoneHash: unique('phone') };
    await expect(
      stores().applications.saveDecisionWithBorrower(
        { ...app, decision: 'decline', offer: null },
        changed,
        b,
      ),
    ).rejects.toBeInstanceOf(ApplicationExists);
    expect(await stores().applications.get(app.applicationId)).toEqual(app);
    expect(await stores().borrowers.get(b.partnerId, b.borrowerId)).toEqual(b);
    expect(await stores().borrowers.findByPhoneHash(changed.phoneHash)).toEqual([]);
    expect(await stores().borrowers.findByPhoneHash(b.phoneHash as string)).toHaveLength(1);
  });

  it('keeps the borrower’s preferences when a later decision refreshes it', async () => {
    const b = borrowerFixture({ borrowerId: unique('u') });
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      b,
    );
    await stores().borrowers.optOut(b.partnerId, b.borrowerId, 'sms', '2027-05-02T00:00:00.000Z');
    const refreshed = { ...b, nameEncrypted: 'enc:new-name', updatedAt: '2027-05-03T00:00:00.000Z' };
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      refreshed,
      b,
    );
    const read = await stores().borrowers.get(b.partnerId, b.borrowerId);
    expect(read).toEqual({ ...refreshed, preferences: { ...b.preferences, optOut: ['sms'] } });
  });

  it('replaces the stored consents with a later decision’s, and keeps the other preferences', async () => {
    const b = borrowerFixture({ borrowerId: unique('u') });
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      b,
    );
    await stores().borrowers.optOut(b.partnerId, b.borrowerId, 'email', '2027-05-02T00:00:00.000Z');
    const consents = {
      contactBySms: false,
      contactByEmail: false,
      shareWithCollectionAgencies: true,
      sensitiveData: false,
    };
    const later = { ...b, preferences: { ...b.preferences, language: 'en' as const, consents } };
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      later,
      b,
    );
    expect((await stores().borrowers.get(b.partnerId, b.borrowerId))?.preferences).toEqual({
      ...b.preferences,
      optOut: ['email'],
      consents,
    });
  });

  it('moves the phone lookup to a changed number when given the borrower as it was', async () => {
    const b = borrowerFixture({ borrowerId: unique('u') });
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      b,
    );
    const moved = { ...b, phoneEncrypted: 'enc:new-phone', phoneHash: unique('phone') };
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      moved,
      b,
    );
    const who = [{ partnerId: b.partnerId, borrowerId: b.borrowerId }];
    expect(await stores().borrowers.findByPhoneHash(moved.phoneHash)).toEqual(who);
    expect(await stores().borrowers.findByPhoneHash(b.phoneHash as string)).toEqual([]);
    expect((await stores().borrowers.get(b.partnerId, b.borrowerId))?.phoneHash).toBe(moved.phoneHash);
  });

  it('keeps the lookup when the number did not change', async () => {
    const b = borrowerFixture({ borrowerId: unique('u') });
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      b,
    );
    await stores().applications.saveDecisionWithBorrower(
      applicationFixture({ applicationId: unique('app') }),
      b,
      b,
    );
    expect(await stores().borrowers.findByPhoneHash(b.phoneHash as string)).toEqual([
      { partnerId: b.partnerId, borrowerId: b.borrowerId },
    ]);
  });

  it('hands out copies', async () => {
    const app = applicationFixture({ applicationId: unique('app') });
    await stores().applications.saveDecisionWithBorrower(app, borrowerFixture({ borrowerId: unique('u') }));
    const expected = structuredClone(app);
    app.reasons.push({ code: 'X', text: 'x' });
    const read = await stores().applications.get(app.applicationId);
    if (read?.offer) read.offer.amount = 1;
    expect(await stores().applications.get(app.applicationId)).toEqual(expected);
  });
}

describe.each(targets)('ApplicationStore on $name', (target) => applicationStoreContract(target));
