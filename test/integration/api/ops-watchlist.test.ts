import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearWatchlist } from '#shared/escalation/clear-watchlist.ts';
import { raiseOverdueElsewhere } from '#shared/escalation/raise-overdue-elsewhere.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { addDays } from '#shared/lending/calendar.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_A, PARTNER_B, startTestApi, type TestApi } from '../../support/api.ts';
import { opsClient, unseenStatuses } from '../../support/ops.ts';

/**
 * Early-warning signals raised by the writes that cause them (payment, hardship request) on the local
 * stack, each once per occurrence as `EarlyWarningRaised`, and the watchlist the desk pages through
 * (`GET /v1/ops/watchlist`), cleared by the daily pass once the loan has been current long enough.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

const as = () => opsClient(api);
const agent = () => api.stack.opsTokens.issuer.issue('agent-1', ['agent']);

let people = 0;
/** A fresh person's loan booked on 07-01 (installments due on the 1st of each month from 08-01). */
async function bookedLoan(): Promise<string> {
  people += 1;
  api.clock.set(new Date('2027-07-01T02:00:00.000Z'));
  const idNumber = withCheckChar(`31010419930712${String(600 + people).padStart(3, '0')}`);
  const decision = await api.request('POST', '/v1/applications', {
    body: {
      ...application,
      borrowerId: `watched-${people}`,
      applicant: { ...application.applicant, idNumber },
    },
  });
  const booked = await api.request('POST', '/v1/loans', {
    body: { applicationId: decision.body.applicationId },
  });
  expect(booked.status).toBe(201);
  return booked.body.loanId;
}

async function installment(loanId: string, n: number): Promise<{ dueDate: string; owed: number }> {
  const view = await api.request('GET', `/v1/loans/${loanId}`);
  const inst = view.body.installments[n - 1];
  return { dueDate: inst.dueDate, owed: inst.outstanding.total };
}

/** Pays `amount` on a local date at 10:00 Shanghai. */
async function pay(loanId: string, paymentId: string, amount: number, on: string) {
  const paidAt = `${on}T02:00:00.000Z`;
  api.clock.set(new Date(paidAt));
  const res = await api.request('POST', `/v1/loans/${loanId}/payments`, {
    body: { paymentId, amount, paidAt },
  });
  expect(res.status).toBe(201);
}

async function warnings(loanId: string) {
  return (await api.published())
    .filter((e) => e.type === 'EarlyWarningRaised' && e.detail.loanId === loanId)
    .map((e) => `${e.detail.code} ${e.detail.occurrence}`);
}

const watched = async (loanId: string) => {
  const page = await as()(agent(), 'GET', '/v1/ops/watchlist?limit=100');
  expect(page.status).toBe(200);
  return page.body.loans.find((l: { loanId: string }) => l.loanId === loanId);
};

describe('early warnings on the desk', { shuffle: false }, () => {
  describe('early-warning signals', () => {
    it('raises PARTIAL_PAYMENT once per installment, and nothing for a loan paid in full on time', async () => {
      const partly = await bookedLoan();
      const first = await installment(partly, 1);
      await pay(partly, 'part-1', 10_000, first.dueDate);
      await pay(partly, 'part-2', 10_000, first.dueDate);
      const occurrence = `installment-1-${first.dueDate}`;
      expect(await warnings(partly)).toEqual([`PARTIAL_PAYMENT ${occurrence}`]);
      expect(await watched(partly)).toMatchObject({
        partnerId: 'partner-a',
        borrowerId: expect.stringMatching(/^watched-/),
        watchedSince: first.dueDate,
        signals: [{ code: 'PARTIAL_PAYMENT', occurrence, raisedOn: first.dueDate }],
      });

      const onTime = await bookedLoan();
      const due = await installment(onTime, 1);
      await pay(onTime, 'full-1', due.owed, due.dueDate);
      expect(await warnings(onTime)).toEqual([]);
      expect(await watched(onTime)).toBeUndefined();
    });

    it('raises LATE_IN_GRACE_TWICE on the second installment in a row paid in grace, not on one alone', async () => {
      const twice = await bookedLoan();
      const once = await bookedLoan();
      for (const loanId of [twice, once]) {
        const first = await installment(loanId, 1);
        await pay(loanId, 'grace-1', first.owed, addDays(first.dueDate, 2));
      }
      const second = await installment(twice, 2);
      await pay(twice, 'grace-2', second.owed, addDays(second.dueDate, 1));
      const onTimeSecond = await installment(once, 2);
      await pay(once, 'ontime-2', onTimeSecond.owed, onTimeSecond.dueDate);

      expect(await warnings(twice)).toEqual([`LATE_IN_GRACE_TWICE installment-2-${second.dueDate}`]);
      expect(await warnings(once)).toEqual([]);
    });

    it('raises HARDSHIP_REQUESTED on a current loan, with ids and codes only', async () => {
      const loanId = await bookedLoan();
      api.clock.set(new Date('2027-07-20T02:00:00.000Z'));
      const res = await api.request('POST', `/v1/loans/${loanId}/hardship`, {
        body: { reason: 'illness', deferralDays: 14 },
      });
      expect(res.status).toBe(201);
      expect(await warnings(loanId)).toEqual([`HARDSHIP_REQUESTED ${res.body.planId}`]);
      const event = (await api.published()).find(
        (e) => e.type === 'EarlyWarningRaised' && e.detail.loanId === loanId,
      );
      expect(Object.keys(event?.detail ?? {}).sort()).toEqual(
        ['borrowerId', 'code', 'loanId', 'occurrence', 'partnerId', 'raisedOn'].sort(),
      );
      for (const secret of [
        application.applicant.phone,
        application.applicant.name,
        application.applicant.email,
      ])
        expect(JSON.stringify(event)).not.toContain(secret);
    });

    it('raises OVERDUE_ELSEWHERE once on the same person’s current loan at another partner, and on no one else', async () => {
      people += 1;
      api.clock.set(new Date('2027-07-01T02:00:00.000Z'));
      const idNumber = withCheckChar(`31010419930712${String(600 + people).padStart(3, '0')}`);
      const bookAt = async (apiKey: string, borrowerId: string, amount: number) => {
        const decision = await api.request('POST', '/v1/applications', {
          apiKey,
          body: {
            ...application,
            borrowerId,
            applicant: { ...application.applicant, idNumber },
            request: { ...application.request, amount },
          },
        });
        const booked = await api.request('POST', '/v1/loans', {
          apiKey,
          body: { applicationId: decision.body.applicationId },
        });
        expect(booked.status).toBe(201);
        return booked.body.loanId as string;
      };
      const atA = await bookAt(PARTNER_A.apiKey, `twice-${people}`, 200_000);
      const atB = await bookAt(PARTNER_B.apiKey, `twice-${people}`, 200_000);
      const bystander = await bookedLoan();
      const first = await installment(atA, 1);
      await pay(atA, 'on-time-a', first.owed, first.dueDate);
      // B's first installment is left unpaid: on the next day the person is past due at B.
      const today = addDays(first.dueDate, 1);
      const fellPastDue = await api.stack.deps.repos.loans.getLoanWithInstallments(atB);
      const newlyPastDue = [
        {
          loanId: atB,
          partnerId: PARTNER_B.partnerId,
          identityHash: fellPastDue?.loan.identityHash as string,
          since: first.dueDate,
        },
      ];
      expect(await raiseOverdueElsewhere(api.stack.deps, today, newlyPastDue)).toBe(1);
      // The ageing job of a rerun day, or of the next one, raises nothing more for the same spell.
      expect(await raiseOverdueElsewhere(api.stack.deps, today, newlyPastDue)).toBe(0);
      expect(await raiseOverdueElsewhere(api.stack.deps, addDays(today, 1), newlyPastDue)).toBe(0);
      expect(await warnings(atA)).toEqual([`OVERDUE_ELSEWHERE ${atB}-${first.dueDate}`]);
      expect(await warnings(atB)).toEqual([]);
      expect(await warnings(bystander)).toEqual([]);
      expect((await watched(atA))?.signals.map((s: { code: string }) => s.code)).toEqual([
        'OVERDUE_ELSEWHERE',
      ]);
    });

    it('raises ALL_CHANNELS_OPTED_OUT once a borrower opts out of every channel they have, once that day', async () => {
      const loanId = await bookedLoan();
      const borrowerId = `watched-${people}`;
      const prefs = (optOut: string[]) => ({
        language: 'zh-CN',
        timezone: 'Asia/Shanghai',
        optOut,
        consents: {
          contactBySms: true,
          contactByEmail: true,
          shareWithCollectionAgencies: false,
          sensitiveData: true,
        },
      });
      const put = (optOut: string[]) =>
        api.request('PUT', `/v1/borrowers/${borrowerId}/contact-preferences`, { body: prefs(optOut) });
      // The fixture's borrower gave an email: opting out of SMS alone leaves a channel.
      expect((await put(['sms'])).status).toBe(200);
      expect(await warnings(loanId)).toEqual([]);
      expect((await put(['sms', 'email'])).status).toBe(200);
      expect((await put(['email', 'sms'])).status).toBe(200);
      expect(await warnings(loanId)).toEqual(['ALL_CHANNELS_OPTED_OUT opted-out-2027-07-01']);
    });
  });

  describe('the watchlist', () => {
    it('clears a loan once it has been current for the configured days, not a day before', async () => {
      const loanId = await bookedLoan();
      const first = await installment(loanId, 1);
      await pay(loanId, 'part-clear', 10_000, first.dueDate);
      // Current on the due date itself: the run of current days starts there.
      await clearWatchlist(api.stack.deps, first.dueDate);
      expect((await watched(loanId))?.currentSince).toBe(first.dueDate);
      // The rest paid within grace keeps it current; a rerun of the day changes nothing.
      await pay(loanId, 'rest-clear', (await installment(loanId, 1)).owed, first.dueDate);
      await clearWatchlist(api.stack.deps, first.dueDate);
      const days = api.stack.deps.rules.earlyWarning.clearAfterCurrentDays;
      // Everything paid ahead, so the loan stays current through the whole count.
      const view = await api.request('GET', `/v1/loans/${loanId}`);
      const rest = view.body.installments.reduce(
        (sum: number, inst: { outstanding: { total: number } }) => sum + inst.outstanding.total,
        0,
      );
      await pay(loanId, 'ahead', rest, first.dueDate);
      await clearWatchlist(api.stack.deps, addDays(first.dueDate, days - 1));
      expect(await watched(loanId)).toBeDefined();
      await clearWatchlist(api.stack.deps, addDays(first.dueDate, days));
      expect(await watched(loanId)).toBeUndefined();
    });

    it('pages oldest first with a cursor, and refuses a bad limit or cursor (400) and a partner key (401)', async () => {
      for (const n of [1, 2]) {
        const loanId = await bookedLoan();
        await pay(loanId, `page-${n}`, 10_000, (await installment(loanId, 1)).dueDate);
      }
      const one = await as()(agent(), 'GET', '/v1/ops/watchlist?limit=1');
      expect(one.status).toBe(200);
      expect(one.body.loans).toHaveLength(1);
      const next = await as()(agent(), 'GET', `/v1/ops/watchlist?limit=1&cursor=${one.body.cursor}`);
      expect(next.status).toBe(200);
      expect(next.body.loans[0].loanId).not.toBe(one.body.loans[0].loanId);
      expect(next.body.loans[0].watchedSince >= one.body.loans[0].watchedSince).toBe(true);
      const badLimit = await as()(agent(), 'GET', '/v1/ops/watchlist?limit=0');
      expect(badLimit).toMatchObject({ status: 400, body: { issues: [{ path: 'limit' }] } });
      expect((await as()(agent(), 'GET', '/v1/ops/watchlist?cursor=not-a-cursor')).status).toBe(400);
      expect((await api.request('GET', '/v1/ops/watchlist')).status).toBe(401);
    });

    it('saw every status the document names for the watchlist, but the throttle (429), 413 and 500', () => {
      expect(unseenStatuses(api, ['opsListWatchlist'])).toEqual([]);
    });
  });
});
