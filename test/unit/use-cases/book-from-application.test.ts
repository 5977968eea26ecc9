import { describe, expect, it } from 'vitest';
import { ApplicationAlreadyBooked, ApplicationNotFound } from '#shared/errors/domain-errors.ts';
import type { Decision } from '#shared/schemas/applications.ts';
import { bookFromApplication } from '#shared/servicing/book-from-application.ts';
import { decisionOf } from '../../support/scoring.ts';
import { applicationBody, eventsOf, type Harness, harness } from './harness.ts';

/** 10:00 in Shanghai on 2027-06-01. */
const NOW = new Date('2027-06-01T02:00:00.000Z');

/** A harness holding partner p1's approved application. */
async function withApprovedApplication(): Promise<{ h: Harness; app: Decision }> {
  const h = harness(NOW);
  const app = await decisionOf(h, 'p1', applicationBody(), 'en');
  if (app.decision !== 'approve' || !app.offer) throw new Error('the fixture application should approve');
  h.clock.advance(3_600_000);
  return { h, app };
}

function offerOf(app: Decision) {
  if (!app.offer) throw new Error('no offer');
  return app.offer;
}

describe('bookFromApplication', () => {
  it('books the loan on the offered terms, with its schedule, at version 1', async () => {
    const { h, app } = await withApprovedApplication();
    const offer = offerOf(app);
    const loan = await bookFromApplication(h, 'p1', { applicationId: app.applicationId });
    const stored = await h.repos.loans.getLoanWithInstallments(loan.loanId);
    expect(loan.loanId).toMatch(/^loan_/); // a loan id says what it names, as an application id does
    expect(stored?.loan).toEqual(loan);
    expect(stored?.loan).toMatchObject({
      partnerId: 'p1',
      borrowerId: 'alpha-user-42',
      identityHash: h.keys.hashIdentity('310104199307122358'),
      applicationId: app.applicationId,
      principal: offer.amount,
      termMonths: offer.termMonths,
      aprBps: offer.aprBps,
      repaymentMethod: offer.repaymentMethod,
      disbursedOn: '2027-06-01',
      status: 'active',
      version: 1,
    });
    expect(stored?.installments.map((i) => i.installmentNo)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stored?.installments.reduce((sum, i) => sum + i.principalDue, 0)).toBe(offer.amount);
  });

  it('puts the new installments in the due index', async () => {
    const { h, app } = await withApprovedApplication();
    const loan = await bookFromApplication(h, 'p1', { applicationId: app.applicationId });
    const firstDue = (await h.repos.loans.getLoanWithInstallments(loan.loanId))?.installments[0]?.dueDate;
    expect(firstDue).toBe('2027-07-01');
    const due = await h.repos.dueIndex.findDueInstallments('2027-07-01');
    expect(due.installments.map((i) => [i.loanId, i.installmentNo])).toEqual([[loan.loanId, 1]]);
  });

  it('books the terms asked for when they are within the offer', async () => {
    const { h, app } = await withApprovedApplication();
    const loan = await bookFromApplication(h, 'p1', {
      applicationId: app.applicationId,
      amount: 300_000,
      termMonths: 3,
    });
    expect(await h.repos.loans.getLoan(loan.loanId)).toMatchObject({ principal: 300_000, termMonths: 3 });
  });

  it('marks the application booked as the loan', async () => {
    const { h, app } = await withApprovedApplication();
    const loan = await bookFromApplication(h, 'p1', { applicationId: app.applicationId });
    expect((await h.repos.applications.get(app.applicationId))?.loanId).toBe(loan.loanId);
  });

  it('publishes LoanBooked for the new loan', async () => {
    const { h, app } = await withApprovedApplication();
    const loan = await bookFromApplication(h, 'p1', { applicationId: app.applicationId });
    expect(eventsOf(h, 'LoanBooked')).toEqual([
      {
        type: 'LoanBooked',
        at: h.clock.now().toISOString(),
        detail: expect.objectContaining({
          loanId: loan.loanId,
          partnerId: 'p1',
          borrowerId: 'alpha-user-42',
          principal: loan.principal,
          firstDueDate: '2027-07-01',
        }),
      },
    ]);
  });

  it('refuses a second booking of the same application with ApplicationAlreadyBooked', async () => {
    const { h, app } = await withApprovedApplication();
    const first = await bookFromApplication(h, 'p1', { applicationId: app.applicationId });
    await expect(bookFromApplication(h, 'p1', { applicationId: app.applicationId })).rejects.toBeInstanceOf(
      ApplicationAlreadyBooked,
    );
    expect((await h.repos.applications.get(app.applicationId))?.loanId).toBe(first.loanId);
    expect(eventsOf(h, 'LoanBooked')).toHaveLength(1);
  });

  it('books two racing requests for one application once', async () => {
    const { h, app } = await withApprovedApplication();
    const results = await Promise.allSettled([
      bookFromApplication(h, 'p1', { applicationId: app.applicationId }),
      bookFromApplication(h, 'p1', { applicationId: app.applicationId }),
    ]);
    const booked = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(booked).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(ApplicationAlreadyBooked);
    expect((await h.repos.applications.get(app.applicationId))?.loanId).toBe(booked[0]?.loanId);
    expect(eventsOf(h, 'LoanBooked')).toHaveLength(1);
  });

  it("answers ApplicationNotFound for another partner's application, and books nothing", async () => {
    const { h, app } = await withApprovedApplication();
    await expect(bookFromApplication(h, 'p2', { applicationId: app.applicationId })).rejects.toBeInstanceOf(
      ApplicationNotFound,
    );
    expect((await h.repos.applications.get(app.applicationId))?.loanId).toBeUndefined();
    expect(eventsOf(h, 'LoanBooked')).toEqual([]);
    // The owner can still book it.
    await expect(bookFromApplication(h, 'p1', { applicationId: app.applicationId })).resolves.toBeDefined();
  });

  it('answers ApplicationNotFound for an id that was never scored', async () => {
    const { h } = await withApprovedApplication();
    await expect(bookFromApplication(h, 'p1', { applicationId: 'app_unknown' })).rejects.toBeInstanceOf(
      ApplicationNotFound,
    );
  });
});
