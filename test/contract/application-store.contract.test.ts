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

  describe('with a keyed answer', () => {
    const answerFor = (key: string, at: Date, requestHash = 'request-1') => ({
      partnerId: 'p-demo', // the fixtures' partner
      key,
      requestHash,
      ttlSeconds: 3600,
      now: at,
      response: { statusCode: 201, headers: { location: '/v1/applications/x' }, body: '{"ok":true}' },
    });
    const AT = new Date('2027-05-01T00:00:00.000Z');

    it('stores the answer with the decision, and scoringView reads it back under its key only', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      const key = unique('key');
      const answer = answerFor(key, AT);
      await stores().applications.saveDecisionWithBorrower(
        applicationFixture({ applicationId: unique('app') }),
        b,
        undefined,
        { answer },
      );
      const view = await stores().applications.scoringView(b.identityHash, b.partnerId, b.borrowerId, key);
      expect(view.borrower).toEqual(b);
      expect(view.answered).toEqual({
        requestHash: 'request-1',
        status: 'completed',
        response: answer.response,
        expiresAt: AT.getTime() / 1000 + 3600,
      });
      expect(
        (await stores().applications.scoringView(b.identityHash, 'p-demo', undefined, unique('key')))
          .answered,
      ).toBeUndefined();
      expect(
        (await stores().applications.scoringView(b.identityHash, 'p2', undefined, key)).answered,
      ).toBeUndefined();
    });

    it('refuses a decision whose key a live answer holds, even under a new id, and writes none of it', async () => {
      const b = borrowerFixture({ borrowerId: unique('u') });
      const key = unique('key');
      await stores().applications.saveDecisionWithBorrower(
        applicationFixture({ applicationId: unique('app') }),
        b,
        undefined,
        { answer: answerFor(key, AT) },
      );
      const second = applicationFixture({ applicationId: unique('app') });
      const moved = { ...b, phoneHash: unique('phone'), phoneEncrypted: 'enc:moved' };
      await expect(
        stores().applications.saveDecisionWithBorrower(second, moved, b, {
          answer: answerFor(key, new Date(AT.getTime() + 3_600_000), 'request-2'),
        }),
      ).rejects.toBeInstanceOf(ApplicationExists);
      expect(await stores().applications.get(second.applicationId)).toBeUndefined();
      expect((await stores().borrowers.get(b.partnerId, b.borrowerId))?.phoneHash).toBe(b.phoneHash);
      expect((await stores().idempotency.get('p-demo', key))?.requestHash).toBe('request-1');
    });

    it('takes a key whose answer has expired', async () => {
      const key = unique('key');
      const b = borrowerFixture({ borrowerId: unique('u') });
      await stores().applications.saveDecisionWithBorrower(
        applicationFixture({ applicationId: unique('app') }),
        b,
        undefined,
        { answer: answerFor(key, AT) },
      );
      const later = new Date(AT.getTime() + 3_601_000);
      await stores().applications.saveDecisionWithBorrower(
        applicationFixture({ applicationId: unique('app') }),
        b,
        b,
        { answer: answerFor(key, later, 'request-2') },
      );
      expect((await stores().idempotency.get('p-demo', key))?.requestHash).toBe('request-2');
    });

    it('saves an answer alone only while the key is free', async () => {
      const key = unique('key');
      expect(await stores().idempotency.saveAnswer(answerFor(key, AT))).toBe(true);
      expect(await stores().idempotency.saveAnswer(answerFor(key, AT, 'request-2'))).toBe(false);
      expect((await stores().idempotency.get('p-demo', key))?.requestHash).toBe('request-1');
      const started = await stores().idempotency.begin('p-demo', key, 'request-1', AT, 3600);
      expect(started.kind).toBe('replay');
    });
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
