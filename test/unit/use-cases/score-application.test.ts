import { describe, expect, it } from 'vitest';
import {
  ApplicationExists,
  BorrowerIdentityMismatch,
  IdempotencyKeyInProgress,
  IdempotencyKeyReused,
} from '#shared/errors/domain-errors.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import { applicationIdFor } from '#shared/origination/decide-application.ts';
import { scoreApplication } from '#shared/origination/score-application.ts';
import { borrowerField } from '#shared/ports/key-service.ts';
import { decisionOf, testKey } from '../../support/scoring.ts';
import {
  addBorrower,
  addLoan,
  applicationBody,
  eventsOf,
  type Harness,
  harness,
  standingToday,
} from './harness.ts';

/** 10:00 in Shanghai on 2027-06-01. */
const NOW = new Date('2027-06-01T02:00:00.000Z');
const ID_NUMBER = '310104199307122358'; // the fixture applicant's
const PHONE = '+8613912345678';

/** A loan of the fixture applicant's at partner p2, carrying the given hardship plan. */
async function loanUnderPlan(h: Harness, plan: Pick<HardshipPlan, 'startsOn' | 'endsOn'>) {
  const person = await addBorrower(h, { partnerId: 'p2', borrowerId: 'other', idNumber: ID_NUMBER });
  const loan = await addLoan(h, 'L-p2', person);
  const hardshipPlans: HardshipPlan[] = [
    {
      planId: 'hs-1',
      status: 'granted',
      reason: 'illness',
      deferralDays: 30,
      requestedAt: '2027-05-20T02:00:00.000Z',
      referralReasons: [],
      ...plan,
    },
  ];
  const planned = { ...loan, hardshipPlans };
  const installments = (await h.repos.loans.getLoanWithInstallments(loan.loanId))?.installments ?? [];
  // As a grant writes it: the plan on the loan and the person's exposure in one write.
  await h.repos.loans.saveInstallments(planned, loan.version, [], {
    exposure: exposureOf(planned, installments),
    events: [],
  });
  return person.identityHash;
}

/** A loan of the fixture applicant's at partner p2 whose first installment fell due before NOW, unpaid. */
async function overdueElsewhere(h: Harness): Promise<void> {
  const person = await addBorrower(h, { partnerId: 'p2', borrowerId: 'late', idNumber: ID_NUMBER });
  await addLoan(h, 'L-elsewhere', person, { disbursedOn: '2027-03-20' });
}

describe('scoreApplication', () => {
  it('stores the decision it returns, under a fresh application id', async () => {
    const h = harness(NOW);
    const decision = await decisionOf(h, 'p1', applicationBody(), 'en');
    expect(decision.decision).toBe('approve');
    expect(decision.applicationId).toMatch(/^app_/);
    const stored = await h.repos.applications.get(decision.applicationId);
    expect(stored).toMatchObject({
      applicationId: decision.applicationId,
      partnerId: 'p1',
      borrowerId: 'alpha-user-42',
      identityHash: h.keys.hashIdentity(ID_NUMBER),
      decision: decision.decision,
      score: decision.score,
      grade: decision.grade,
      offer: decision.offer,
      createdAt: NOW.toISOString(),
    });
    expect(stored?.loanId).toBeUndefined();
  });

  it('stores the borrower with the ID number hashed and contact data encrypted', async () => {
    const h = harness(NOW);
    await decisionOf(h, 'p1', applicationBody(), 'zh-CN');
    const borrower = await h.repos.borrowers.get('p1', 'alpha-user-42');
    if (!borrower) throw new Error('the borrower was not stored');
    expect(borrower.identityHash).toBe(h.keys.hashIdentity(ID_NUMBER));
    expect(JSON.stringify(borrower)).not.toContain(ID_NUMBER);
    expect(JSON.stringify(borrower)).not.toContain(PHONE);
    const field = (name: 'phone' | 'email') => borrowerField('p1', 'alpha-user-42', name);
    expect(await h.keys.decrypt(borrower.phoneEncrypted, field('phone'))).toBe(PHONE);
    expect(await h.keys.decrypt(borrower.emailEncrypted ?? '', field('email'))).toBe('lihua@example.com');
    // Sealed to its place: the phone's ciphertext does not open as the email, nor as another person's phone.
    await expect(h.keys.decrypt(borrower.phoneEncrypted, field('email'))).rejects.toThrow();
    await expect(
      h.keys.decrypt(borrower.phoneEncrypted, borrowerField('p1', 'someone-else', 'phone')),
    ).rejects.toThrow();
    expect(borrower.preferences).toMatchObject({ language: 'zh-CN', timezone: 'Asia/Shanghai', optOut: [] });
    expect(await h.repos.borrowers.findByPhoneHash(h.keys.hashPhone(PHONE))).toEqual([
      { partnerId: 'p1', borrowerId: 'alpha-user-42' },
    ]);
  });

  it('stores the consents the application gives, each as given (none assumed)', async () => {
    const h = harness(NOW);
    const consents = {
      contactBySms: false,
      contactByEmail: true,
      shareWithCollectionAgencies: true,
      sensitiveData: true,
    };
    await decisionOf(
      h,
      'p1',
      applicationBody((b) => Object.assign(b, { consents })),
      'en',
    );
    expect((await h.repos.borrowers.get('p1', 'alpha-user-42'))?.preferences.consents).toEqual(consents);
  });

  it("replaces a returning borrower's consents with the later application's, keeping the other preferences", async () => {
    const h = harness(NOW);
    await decisionOf(h, 'p1', applicationBody(), 'en');
    await h.repos.borrowers.optOut('p1', 'alpha-user-42', 'email', NOW.toISOString());
    const later = {
      contactBySms: false,
      contactByEmail: false,
      shareWithCollectionAgencies: true,
      sensitiveData: true,
    };
    h.clock.advance(60_000);
    await decisionOf(
      h,
      'p1',
      applicationBody((b) => Object.assign(b, { consents: later })),
      'zh-CN',
    );
    expect((await h.repos.borrowers.get('p1', 'alpha-user-42'))?.preferences).toEqual({
      language: 'en',
      timezone: 'Asia/Shanghai',
      optOut: ['email'],
      consents: later,
    });
  });

  it('assigns a borrower id when the request names none', async () => {
    const h = harness(NOW);
    const decision = await decisionOf(
      h,
      'p1',
      applicationBody((b) => delete b.borrowerId),
      'en',
    );
    expect(decision.borrowerId).toMatch(/^b_/);
    expect(await h.repos.borrowers.get('p1', decision.borrowerId)).toBeDefined();
  });

  it('publishes ApplicationScored for the stored decision', async () => {
    const h = harness(NOW);
    const decision = await decisionOf(h, 'p1', applicationBody(), 'en');
    expect(h.events.events).toEqual([
      {
        type: 'ApplicationScored',
        at: NOW.toISOString(),
        detail: expect.objectContaining({
          applicationId: decision.applicationId,
          partnerId: 'p1',
          borrowerId: 'alpha-user-42',
          decision: 'approve',
        }),
      },
    ]);
  });

  it('declines a person the identity status marks overdue on a loan at another partner', async () => {
    const h = harness(NOW);
    await overdueElsewhere(h);
    const decision = await decisionOf(h, 'p1', applicationBody(), 'en');
    expect(decision.decision).toBe('decline');
    expect(decision.reasons.map((r) => r.code)).toContain('OVERDUE_EXISTING');
    expect((await h.repos.applications.get(decision.applicationId))?.decision).toBe('decline');
  });

  it('refers a person marked under hardship while the plan on the loan is active', async () => {
    const h = harness(NOW);
    const identityHash = await loanUnderPlan(h, { startsOn: '2027-05-20', endsOn: '2027-06-18' });
    const decision = await decisionOf(h, 'p1', applicationBody(), 'en');
    expect(decision.decision).toBe('refer');
    expect(decision.reasons.map((r) => r.code)).toContain('HARDSHIP_ACTIVE');
    expect((await standingToday(h, identityHash)).hardshipLoanIds).toEqual(['L-p2']);
  });

  it('decides as if there were no plan once the plan has ended', async () => {
    const h = harness(NOW);
    const identityHash = await loanUnderPlan(h, { startsOn: '2027-04-01', endsOn: '2027-04-30' });
    const decision = await decisionOf(h, 'p1', applicationBody(), 'en');
    expect(decision.decision).toBe('approve');
    expect((await standingToday(h, identityHash)).hardshipLoanIds).toEqual([]);
  });

  it('refuses a borrower id registered with another ID number, and stores nothing', async () => {
    const h = harness(NOW);
    const first = await decisionOf(h, 'p1', applicationBody(), 'en');
    const other = applicationBody((b) => {
      b.applicant.idNumber = '110101199003071233';
      b.applicant.birthDate = '1990-03-07';
    });
    await expect(scoreApplication(h, 'p1', other, 'en')).rejects.toBeInstanceOf(BorrowerIdentityMismatch);
    expect((await h.repos.borrowers.get('p1', 'alpha-user-42'))?.identityHash).toBe(
      h.keys.hashIdentity(ID_NUMBER),
    );
    expect(eventsOf(h, 'ApplicationScored').map((e) => e.detail.applicationId)).toEqual([
      first.applicationId,
    ]);
  });

  it("drops the old phone number's lookup when a returning borrower applies with a new number", async () => {
    const h = harness(NOW);
    await decisionOf(h, 'p1', applicationBody(), 'en');
    const newPhone = '+8613900000000';
    await decisionOf(
      h,
      'p1',
      applicationBody((b) => {
        b.applicant.phone = newPhone;
      }),
      'en',
    );
    expect(await h.repos.borrowers.findByPhoneHash(h.keys.hashPhone(PHONE))).toEqual([]);
    expect(await h.repos.borrowers.findByPhoneHash(h.keys.hashPhone(newPhone))).toEqual([
      { partnerId: 'p1', borrowerId: 'alpha-user-42' },
    ]);
  });

  describe('with a request key', () => {
    it('derives the application id from the partner and the key', async () => {
      const h = harness(NOW);
      const decision = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      expect(decision.applicationId).toBe(applicationIdFor('p1', 'key-1'));
      expect(await h.repos.applications.get(applicationIdFor('p1', 'key-1'))).toBeDefined();
    });

    it('gives a retry with the same key the stored decision, not a second one', async () => {
      const h = harness(NOW);
      const first = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      h.clock.advance(60_000);
      // Even a body that would now decide otherwise: the key names the decision already made.
      await overdueElsewhere(h);
      const retry = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      expect(retry).toEqual(first);
      expect((await h.repos.applications.get(first.applicationId))?.createdAt).toBe(NOW.toISOString());
    });

    it('publishes ApplicationScored once, with the decision; a retry gets the stored answer back', async () => {
      const h = harness(NOW);
      const first = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      const retry = await scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      expect(retry).toEqual({
        kind: 'replayed',
        response: { statusCode: 201, headers: {}, body: JSON.stringify(first) },
      });
      expect(eventsOf(h, 'ApplicationScored').map((e) => e.detail.applicationId)).toEqual([
        first.applicationId,
      ]);
    });

    it('finds a stored answer in its first read: a retry writes nothing', async () => {
      const h = harness(NOW);
      await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      let writes = 0;
      const save = h.repos.applications.saveDecisionWithBorrower.bind(h.repos.applications);
      h.repos.applications.saveDecisionWithBorrower = (...args) => {
        writes += 1;
        return save(...args);
      };
      const retry = await scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      expect(retry.kind).toBe('replayed');
      expect(writes).toBe(0);
    });

    it('answers in progress while another request holds the key and has not answered yet', async () => {
      const h = harness(NOW);
      const ttl = h.rules.api.idempotencyTtlHours * 3600;
      await h.repos.idempotency.begin('p1', 'key-1', 'the-request', NOW, ttl);
      await expect(
        scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1')),
      ).rejects.toBeInstanceOf(IdempotencyKeyInProgress);
      expect(eventsOf(h, 'ApplicationScored')).toEqual([]);
    });

    it('refuses the key for another request while its answer lives', async () => {
      const h = harness(NOW);
      await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      await expect(
        scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1', 'another-request')),
      ).rejects.toBeInstanceOf(IdempotencyKeyReused);
      expect(eventsOf(h, 'ApplicationScored')).toHaveLength(1);
    });

    it('gives two concurrent requests with one key one decision: the second gets the first one’s answer', async () => {
      const h = harness(NOW);
      const [a, b] = await Promise.all([
        scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1')),
        scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1')),
      ]);
      expect(a.kind).toBe('decided');
      expect(b.kind).toBe('replayed');
      if (a.kind !== 'decided' || b.kind !== 'replayed') return;
      expect(JSON.parse(b.response.body)).toEqual(a.decision);
      expect(eventsOf(h, 'ApplicationScored')).toHaveLength(1);
    });

    it("keeps one partner's key apart from another's", async () => {
      const h = harness(NOW);
      const a = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('same-key'));
      const b = await decisionOf(h, 'p2', applicationBody(), 'en', testKey('same-key'));
      expect(b.applicationId).not.toBe(a.applicationId);
      expect((await h.repos.applications.get(a.applicationId))?.partnerId).toBe('p1');
      expect((await h.repos.applications.get(b.applicationId))?.partnerId).toBe('p2');
    });

    it('answers the stored decision through the last second of the key lifetime, and a new one from the next', async () => {
      const h = harness(NOW);
      const first = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      const lifetime = h.rules.api.idempotencyTtlHours * 3_600_000;
      h.clock.advance(lifetime + 999);
      expect((await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'))).applicationId).toBe(
        first.applicationId,
      );
      h.clock.advance(1);
      expect((await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'))).applicationId).not.toBe(
        first.applicationId,
      );
    });

    it("never answers with another partner's decision stored under the same id", async () => {
      const h = harness(NOW);
      const taken = applicationIdFor('p1', 'key-1');
      await decisionOf({ ...h, ids: { next: () => taken } }, 'p2', applicationBody(), 'en');
      await expect(
        scoreApplication(h, 'p1', applicationBody(), 'en', testKey('key-1')),
      ).rejects.toBeInstanceOf(ApplicationExists);
      expect((await h.repos.applications.get(taken))?.partnerId).toBe('p2');
    });

    it("fails rather than answer with another request's decision when the new id for an expired key is taken", async () => {
      const h = harness(NOW);
      const ids = { next: (prefix: string) => `${prefix}_fixed` };
      await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      h.clock.advance((h.rules.api.idempotencyTtlHours + 1) * 3_600_000);
      await decisionOf({ ...h, ids }, 'p1', applicationBody(), 'en'); // takes app_fixed
      await expect(
        scoreApplication({ ...h, ids }, 'p1', applicationBody(), 'en', testKey('key-1')),
      ).rejects.toBeInstanceOf(ApplicationExists);
    });

    it('treats a key reused after its lifetime as a new request with a new id', async () => {
      const h = harness(NOW);
      const first = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      h.clock.advance((h.rules.api.idempotencyTtlHours + 1) * 3_600_000);
      const later = await decisionOf(h, 'p1', applicationBody(), 'en', testKey('key-1'));
      expect(later.applicationId).not.toBe(first.applicationId);
      expect(later.applicationId).toMatch(/^app_/);
      expect(await h.repos.applications.get(later.applicationId)).toMatchObject({
        createdAt: h.clock.now().toISOString(),
      });
      expect((await h.repos.applications.get(first.applicationId))?.createdAt).toBe(NOW.toISOString());
    });
  });

  it('lets an unkeyed request whose id is taken fail rather than answer with another decision', async () => {
    const h = harness(NOW);
    const ids = { next: (prefix: string) => `${prefix}_fixed` };
    await decisionOf({ ...h, ids }, 'p1', applicationBody(), 'en');
    await expect(scoreApplication({ ...h, ids }, 'p1', applicationBody(), 'en')).rejects.toBeInstanceOf(
      ApplicationExists,
    );
  });
});
