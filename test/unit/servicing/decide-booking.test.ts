import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import {
  ApplicationAlreadyBooked,
  ApplicationNotApproved,
  OfferExpired,
  TermsOutsideOffer,
} from '#shared/errors/domain-errors.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { ApplicationRecord } from '#shared/ports/records.ts';
import type { BookLoanRequest } from '#shared/schemas/servicing.ts';
import { decideBooking, newInstallmentRecords, planBooking } from '#shared/servicing/decide-booking.ts';

const rules = defaultRules;

/**
 * An approved application decided at 01:00 on 2027-06-01 in Shanghai (still 2027-05-31 in UTC),
 * valid for 72 hours.
 */
function approved(over: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    applicationId: 'app-1',
    partnerId: 'p1',
    borrowerId: 'b1',
    identityHash: 'hash-b1',
    decision: 'approve',
    score: 700,
    grade: 'A',
    reasons: [],
    offer: {
      amount: 800_000,
      termMonths: 6,
      aprBps: 1000,
      repaymentMethod: 'equal_installment',
      installmentAmount: 137_249,
      totalRepayable: 823_494,
    },
    modelVersion: 'scorecard-2026.1',
    inputHash: 'h',
    createdAt: '2027-05-31T17:00:00.000Z',
    expiresAt: '2027-06-03T17:00:00.000Z',
    ...over,
  };
}

/** 10:00 on 2027-06-02 in Shanghai. */
const NOW = new Date('2027-06-02T02:00:00.000Z');
const request = (over: Partial<BookLoanRequest> = {}): BookLoanRequest => ({
  applicationId: 'app-1',
  ...over,
});

function outsideOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof TermsOutsideOffer) return err.outside;
    throw err;
  }
  throw new Error('expected TermsOutsideOffer');
}

describe('decideBooking: refusals', () => {
  it('refuses an application already booked, naming the loan', () => {
    const book = () => decideBooking(approved({ loanId: 'loan-9' }), request(), 'loan-1', NOW, rules);
    expect(book).toThrow(ApplicationAlreadyBooked);
    expect(book).toThrow('loan-9');
  });

  it('reports an already-booked application before an expired offer', () => {
    const late = new Date('2027-07-01T00:00:00.000Z');
    expect(() => decideBooking(approved({ loanId: 'loan-9' }), request(), 'loan-1', late, rules)).toThrow(
      ApplicationAlreadyBooked,
    );
  });

  it('refuses a referred or declined application', () => {
    for (const decision of ['refer', 'decline'] as const) {
      const app = approved({ decision, offer: null });
      expect(() => decideBooking(app, request(), 'loan-1', NOW, rules)).toThrow(ApplicationNotApproved);
      // The decision alone refuses it, whatever else the record carries.
      const withOffer = approved({ decision });
      expect(() => decideBooking(withOffer, request(), 'loan-1', NOW, rules)).toThrow(ApplicationNotApproved);
    }
  });

  it('refuses an approval without an offer', () => {
    expect(() => decideBooking(approved({ offer: null }), request(), 'loan-1', NOW, rules)).toThrow(
      ApplicationNotApproved,
    );
  });

  it('refuses an offer exactly at its expiry instant and after it', () => {
    const at = new Date('2027-06-03T17:00:00.000Z');
    expect(() => decideBooking(approved(), request(), 'loan-1', at, rules)).toThrow(OfferExpired);
    const after = new Date(at.getTime() + 1);
    expect(() => decideBooking(approved(), request(), 'loan-1', after, rules)).toThrow(OfferExpired);
  });

  it('books one millisecond before the expiry', () => {
    const before = new Date(Date.parse('2027-06-03T17:00:00.000Z') - 1);
    expect(decideBooking(approved(), request(), 'loan-1', before, rules).loan.loanId).toBe('loan-1');
  });
});

describe('decideBooking: terms outside the offer', () => {
  const book = (over: Partial<BookLoanRequest>) => () =>
    decideBooking(approved(), request(over), 'loan-1', NOW, rules);

  it('lists an amount above the offer', () => {
    expect(outsideOf(book({ amount: 800_001 }))).toEqual(['amount above the offered 800000']);
  });

  it('lists a term above the offer', () => {
    expect(outsideOf(book({ termMonths: 7 }))).toEqual(['termMonths above the offered 6']);
  });

  it('lists an APR above the offer', () => {
    expect(outsideOf(book({ aprBps: 1001 }))).toEqual(['aprBps above the offered 1000']);
  });

  it('lists a disbursement before the decision date in the lender zone', () => {
    // The decision was 2027-05-31 in UTC but 2027-06-01 in Shanghai.
    expect(outsideOf(book({ disbursedOn: '2027-05-31' }))).toEqual([
      'disbursedOn must fall between the decision and today',
    ]);
  });

  it('lists a disbursement after today', () => {
    expect(outsideOf(book({ disbursedOn: '2027-06-03' }))).toEqual([
      'disbursedOn must fall between the decision and today',
    ]);
  });

  it('lists every term outside at once, in order', () => {
    expect(
      outsideOf(book({ amount: 900_000, termMonths: 12, aprBps: 2000, disbursedOn: '2027-06-05' })),
    ).toEqual([
      'amount above the offered 800000',
      'termMonths above the offered 6',
      'aprBps above the offered 1000',
      'disbursedOn must fall between the decision and today',
    ]);
  });

  it('is a TermsOutsideOffer with code terms_outside_offer and the reasons as its message', () => {
    const fn = book({ amount: 800_001, termMonths: 7 });
    expect(fn).toThrow(TermsOutsideOffer);
    expect(fn).toThrow('amount above the offered 800000; termMonths above the offered 6');
    expect(() => fn()).toThrow(expect.objectContaining({ code: 'terms_outside_offer' }));
  });

  it('accepts terms at the offer and disbursement on the decision date or today', () => {
    for (const disbursedOn of ['2027-06-01', '2027-06-02']) {
      const plan = decideBooking(
        approved(),
        request({ amount: 800_000, termMonths: 6, aprBps: 1000, disbursedOn }),
        'loan-1',
        NOW,
        rules,
      );
      expect(plan.loan.disbursedOn).toBe(disbursedOn);
    }
  });

  it('accepts terms below the offer', () => {
    const plan = decideBooking(
      approved(),
      request({ amount: 500_000, termMonths: 3, aprBps: 800 }),
      'loan-1',
      NOW,
      rules,
    );
    expect(plan.loan).toMatchObject({ principal: 500_000, termMonths: 3, aprBps: 800 });
    expect(plan.installments).toHaveLength(3);
  });
});

describe('decideBooking: the plan', () => {
  it("defaults to the offer's terms and today's date in the lender's zone", () => {
    // 02:00 on 2027-06-03 in Shanghai, still 2027-06-02 in UTC.
    const now = new Date('2027-06-02T18:00:00.000Z');
    const plan = decideBooking(approved(), request(), 'loan-1', now, rules);
    expect(plan.loan).toMatchObject({
      principal: 800_000,
      termMonths: 6,
      aprBps: 1000,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-06-03',
    });
  });

  it('uses the offer repayment method', () => {
    const app = approved();
    if (app.offer) app.offer.repaymentMethod = 'equal_principal';
    const plan = decideBooking(app, request(), 'loan-1', NOW, rules);
    expect(plan.loan.repaymentMethod).toBe('equal_principal');
    const principals = plan.installments.map((i) => i.principalDue);
    expect(new Set(principals.slice(0, -1)).size).toBe(1);
  });

  it('makes an active loan at version 1 with no credit, tied to the application and borrower', () => {
    const plan = decideBooking(approved(), request(), 'loan-1', NOW, rules);
    expect(plan.loan).toEqual({
      loanId: 'loan-1',
      partnerId: 'p1',
      borrowerId: 'b1',
      identityHash: 'hash-b1',
      applicationId: 'app-1',
      productId: undefined,
      principal: 800_000,
      aprBps: 1000,
      termMonths: 6,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-06-02',
      status: 'active',
      creditBalance: 0,
      version: 1,
      createdAt: '2027-06-02T02:00:00.000Z',
      oldestUnpaidDueDate: '2027-07-02',
    });
  });

  it('carries the province the application found on the loan, for the portfolio’s concentration', () => {
    const plan = decideBooking(approved({ provinceCode: '44' }), request(), 'loan-1', NOW, rules);
    expect(plan.loan.provinceCode).toBe('44');
    expect(decideBooking(approved(), request(), 'loan-1', NOW, rules).loan).not.toHaveProperty(
      'provinceCode',
    );
  });

  it('schedules one installment a month from the disbursement, nothing paid or accrued', () => {
    const plan = decideBooking(approved(), request(), 'loan-1', NOW, rules);
    expect(plan.installments.map((i) => i.dueDate)).toEqual([
      '2027-07-02',
      '2027-08-02',
      '2027-09-02',
      '2027-10-02',
      '2027-11-02',
      '2027-12-02',
    ]);
    for (const i of plan.installments) {
      expect(i).toMatchObject({
        loanId: 'loan-1',
        partnerId: 'p1',
        borrowerId: 'b1',
        identityHash: 'hash-b1',
        principalPaid: 0,
        interestPaid: 0,
        feePaid: 0,
        penaltyAccrued: 0,
        penaltyPaid: 0,
        penaltyAccruedThrough: null,
      });
    }
  });

  it("the schedule's principal sums to the booked amount for any amount and term within the offer", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 800_000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('equal_installment', 'equal_principal', 'bullet' as const),
        (amount, termMonths, aprBps, method) => {
          const app = approved();
          if (app.offer) app.offer.repaymentMethod = method;
          const plan = decideBooking(app, request({ amount, termMonths, aprBps }), 'loan-1', NOW, rules);
          expect(plan.installments.reduce((s, i) => s + i.principalDue, 0)).toBe(amount);
        },
      ),
    );
  });

  it("emits LoanBooked with the loan's terms and the first installment's due date", () => {
    const plan = decideBooking(approved(), request({ amount: 600_000 }), 'loan-1', NOW, rules);
    expect(plan.event).toEqual({
      type: 'LoanBooked',
      at: '2027-06-02T02:00:00.000Z',
      detail: {
        loanId: 'loan-1',
        partnerId: 'p1',
        borrowerId: 'b1',
        principal: 600_000,
        aprBps: 1000,
        termMonths: 6,
        repaymentMethod: 'equal_installment',
        firstDueDate: '2027-07-02',
      },
    });
  });

  it('gives the month-end due date in LoanBooked for a loan disbursed on the 31st', () => {
    const app = approved({ createdAt: '2027-01-31T02:00:00.000Z', expiresAt: '2027-02-03T02:00:00.000Z' });
    const plan = decideBooking(app, request(), 'loan-1', new Date('2027-01-31T03:00:00.000Z'), rules);
    expect(plan.event.detail.firstDueDate).toBe('2027-02-28');
    expect(plan.installments[0]?.dueDate).toBe('2027-02-28');
  });

  it("judges 'today' in the configured lender zone", () => {
    const ny = loadRules({ timezone: 'America/New_York' });
    // 2027-06-02T02:00Z is 22:00 on 2027-06-01 in New York.
    const app = approved({ createdAt: '2027-06-01T14:00:00.000Z' });
    expect(decideBooking(app, request(), 'loan-1', NOW, ny).loan.disbursedOn).toBe('2027-06-01');
    expect(outsideOf(() => decideBooking(app, request({ disbursedOn: '2027-06-02' }), 'l', NOW, ny))).toEqual(
      ['disbursedOn must fall between the decision and today'],
    );
  });
});

describe('planBooking and newInstallmentRecords', () => {
  const terms = {
    principal: 300_000,
    aprBps: 1800,
    termMonths: 3,
    repaymentMethod: 'equal_installment' as const,
    disbursedOn: '2027-05-10',
  };

  it('books the given terms as they are, with the product and no application', () => {
    const plan = planBooking(
      { loanId: 'L1', partnerId: 'p1', borrowerId: 'b1', identityHash: 'h', productId: 'prod-1', terms },
      new Date('2027-05-10T02:00:00.000Z'),
      rules,
    );
    expect(plan.loan).toMatchObject({
      loanId: 'L1',
      productId: 'prod-1',
      applicationId: undefined,
      principal: 300_000,
      disbursedOn: '2027-05-10',
      status: 'active',
      version: 1,
    });
    expect(plan.event.detail.firstDueDate).toBe('2027-06-10');
    expect(plan.installments.map((i) => i.installmentNo)).toEqual([1, 2, 3]);
  });

  it('books the province given, and none when none is given', () => {
    const input = { loanId: 'L1', partnerId: 'p1', borrowerId: 'b1', identityHash: 'h', terms };
    const at = new Date('2027-05-10T02:00:00.000Z');
    expect(planBooking({ ...input, provinceCode: '31' }, at, rules).loan.provinceCode).toBe('31');
    expect(planBooking(input, at, rules).loan).not.toHaveProperty('provinceCode');
  });

  it("copies the loan's ids onto every installment and keeps the schedule's amounts", () => {
    const { loan } = planBooking(
      { loanId: 'L1', partnerId: 'p1', borrowerId: 'b1', identityHash: 'h', terms },
      new Date('2027-05-10T02:00:00.000Z'),
      rules,
    );
    const schedule = buildSchedule(terms, rules);
    const records = newInstallmentRecords(loan, schedule);
    expect(records).toHaveLength(schedule.length);
    records.forEach((r, i) => {
      expect(r).toEqual({
        ...schedule[i],
        principalPaid: 0,
        interestPaid: 0,
        feePaid: 0,
        penaltyAccrued: 0,
        penaltyPaid: 0,
        penaltyAccruedThrough: null,
        loanId: 'L1',
        partnerId: 'p1',
        borrowerId: 'b1',
        identityHash: 'h',
      });
    });
  });
});
