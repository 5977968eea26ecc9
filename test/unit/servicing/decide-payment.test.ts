import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { PaymentIdConflict } from '#shared/errors/domain-errors.ts';
import { isPaid, outstanding } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { isOverdue } from '#shared/lending/exposure.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { LoanWithInstallments, PaymentRecord } from '#shared/ports/records.ts';
import type { PaymentRequest } from '#shared/schemas/servicing.ts';
import { decidePayment, type PaymentDecision } from '#shared/servicing/decide-payment.ts';
import { loanFixture } from '../../fixtures/loans.ts';

const rules = defaultRules;

/**
 * 300,000 fen at 18 % over 3 months, disbursed 2027-05-10: installments due 2027-06-10, 07-10 and
 * 08-10, read at version 7.
 */
const loan = (fee = 0): LoanWithInstallments =>
  loanFixture({ loanId: 'L1', version: 7 }, fee > 0 ? { feePerInstallment: fee } : {});

/** 10:00 in Shanghai on `date`. */
const tenAm = (date: string) => `${date}T02:00:00.000Z`;

const pay = (amount: number, paidAt: string, paymentId = 'pay-1'): PaymentRequest => ({
  paymentId,
  amount,
  paidAt,
});

function apply(current: LoanWithInstallments, request: PaymentRequest, now = new Date(request.paidAt)) {
  const d = decidePayment(current, undefined, request, now, rules);
  if (d.kind !== 'apply') throw new Error('expected an applied payment');
  return d;
}

/** The loan as the store holds it after the decision is saved. */
function saved(current: LoanWithInstallments, d: Extract<PaymentDecision, { kind: 'apply' }>) {
  return {
    loan: { ...d.loan, version: d.expectedVersion + 1 },
    installments: current.installments.map(
      (i) => d.changed.find((c) => c.installmentNo === i.installmentNo) ?? i,
    ),
  };
}

/** Owed on each installment on `date` (Shanghai), penalty accrued. */
const owedOn = (current: LoanWithInstallments, date: string) =>
  accrueLoanPenalty(current.loan, current.installments, date, rules).map((i) => outstanding(i));

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

/** The same instant written with another UTC offset (in minutes). */
function withOffset(iso: string, offsetMinutes: number): string {
  const local = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describe('decidePayment: replays and conflicts', () => {
  const current = loan();
  const stored: PaymentRecord = apply(current, pay(50_000, tenAm('2027-06-20'))).payment;

  it('replays the stored payment for the same amount and instant', () => {
    const d = decidePayment(current, stored, pay(50_000, tenAm('2027-06-20')), new Date(), rules);
    expect(d.kind).toBe('replay');
    if (d.kind !== 'replay') return;
    expect(d.outcome.payment).toBe(stored);
    expect(d.outcome.applied).toBe(false);
    expect(d.outcome.cured).toBe(false);
    expect(d.outcome.loanStatus).toBe('active');
  });

  it('replays the same instant written with another offset', () => {
    const request = pay(50_000, '2027-06-20T10:00:00+08:00');
    expect(decidePayment(current, stored, request, new Date(), rules).kind).toBe('replay');
    const ny = pay(50_000, '2027-06-19T22:00:00.000-04:00');
    expect(decidePayment(current, stored, ny, new Date(), rules).kind).toBe('replay');
  });

  it("reports the loan's days past due as of now on a replay", () => {
    // Nothing paid on the installment due 2027-06-10; 2027-06-25 in Shanghai is 15 days later.
    const d = decidePayment(
      current,
      stored,
      pay(50_000, tenAm('2027-06-20')),
      new Date(tenAm('2027-06-25')),
      rules,
    );
    expect(d.kind === 'replay' && d.outcome.daysPastDue).toBe(15);
  });

  it('throws PaymentIdConflict for the same id with another amount', () => {
    const request = pay(50_001, tenAm('2027-06-20'));
    expect(() => decidePayment(current, stored, request, new Date(), rules)).toThrow(PaymentIdConflict);
    expect(() => decidePayment(current, stored, request, new Date(), rules)).toThrow('pay-1');
  });

  it('throws PaymentIdConflict for the same id at another instant, one second apart', () => {
    const request = pay(50_000, '2027-06-20T02:00:01.000Z');
    expect(() => decidePayment(current, stored, request, new Date(), rules)).toThrow(PaymentIdConflict);
  });

  it('throws PaymentIdConflict when only the offset differs (another instant, same wall time)', () => {
    const request = pay(50_000, '2027-06-20T02:00:00.000+08:00');
    expect(() => decidePayment(current, stored, request, new Date(), rules)).toThrow(PaymentIdConflict);
  });

  it('a replay changes nothing: no write, no event, the loan untouched, for any offset it is written in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400_000 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        fc.integer({ min: 0, max: 60 }),
        (amount, day, offset, laterDays) => {
          const before = loan();
          const paidAt = tenAm(addDays('2027-05-10', day));
          const first = apply(before, pay(amount, paidAt));
          const after = saved(before, first);
          const snapshot = structuredClone(after);
          const d = decidePayment(
            after,
            first.payment,
            pay(amount, withOffset(paidAt, offset)),
            new Date(Date.parse(paidAt) + laterDays * 86_400_000),
            rules,
          );
          expect(Object.keys(d).sort()).toEqual(['kind', 'outcome']);
          expect(d.kind).toBe('replay');
          if (d.kind !== 'replay') return;
          expect(d.outcome.payment).toBe(first.payment);
          expect(d.outcome.applied).toBe(false);
          expect(d.outcome.loanStatus).toBe(after.loan.status);
          expect(after).toEqual(snapshot);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('decidePayment: the waterfall', () => {
  it('pays fee, then penalty, then interest, then principal on an overdue installment', () => {
    const current = loan(500);
    // 2027-06-20: ten days past the 2027-06-10 due date, seven days of penalty after grace.
    const penalty = owedOn(current, '2027-06-20')[0]?.penalty ?? 0;
    expect(penalty).toBeGreaterThan(0);
    const d = apply(current, pay(500 + penalty + 300, tenAm('2027-06-20')));
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]).toMatchObject({
      installmentNo: 1,
      feePaid: 500,
      penaltyAccrued: penalty,
      penaltyPaid: penalty,
      interestPaid: 300,
      principalPaid: 0,
      penaltyAccruedThrough: '2027-06-20',
    });
    expect(d.changed[0]?.paidOn).toBeUndefined();
    expect(d.payment.allocations).toEqual([
      { installmentNo: 1, fee: 500, penalty, interest: 300, principal: 0 },
    ]);
  });

  it('for any amount up to the first installment: each component takes what the ones before it left', () => {
    const current = loan(500);
    const owed = owedOn(current, '2027-06-20')[0];
    if (!owed) throw new Error('no installment');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: owed.total }), (amount) => {
        const d = apply(current, pay(amount, tenAm('2027-06-20')));
        const fee = Math.min(amount, owed.fee);
        const penalty = Math.min(amount - fee, owed.penalty);
        const interest = Math.min(amount - fee - penalty, owed.interest);
        const principal = amount - fee - penalty - interest;
        expect(d.changed.map((i) => i.installmentNo)).toEqual([1]);
        expect(d.changed[0]).toMatchObject({
          feePaid: fee,
          penaltyPaid: penalty,
          interestPaid: interest,
          principalPaid: principal,
        });
      }),
    );
  });

  it('fills the oldest installment before the next and lists only the installments it touched', () => {
    const current = loan();
    const first = current.installments[0]?.amountDue ?? 0;
    const d = apply(current, pay(first + 1000, tenAm('2027-06-10')));
    expect(d.changed.map((i) => i.installmentNo)).toEqual([1, 2]);
    expect(d.changed[0] && isPaid(d.changed[0])).toBe(true);
    expect(d.changed[1]).toMatchObject({ interestPaid: 1000, principalPaid: 0 });
    expect(d.payment.allocations.map((a) => a.installmentNo)).toEqual([1, 2]);
  });

  it('lists nothing but the paid installment when it is paid exactly on its due date', () => {
    const current = loan();
    const d = apply(current, pay(current.installments[0]?.amountDue ?? 0, tenAm('2027-06-10')));
    expect(d.changed.map((i) => i.installmentNo)).toEqual([1]);
    expect(d.changed[0]?.paidOn).toBe('2027-06-10');
  });

  it('also lists an overdue installment whose penalty accrued though the payment did not reach it', () => {
    const current = loan();
    // 2027-07-20: installments 1 and 2 are both past due; 100 fen reaches only installment 1.
    const d = apply(current, pay(100, tenAm('2027-07-20')));
    expect(d.payment.allocations.map((a) => a.installmentNo)).toEqual([1]);
    expect(d.changed.map((i) => i.installmentNo)).toEqual([1, 2]);
    expect(d.changed[1]?.penaltyAccrued).toBeGreaterThan(0);
    expect(d.changed[1]?.penaltyPaid).toBe(0);
  });

  it("dates a fully paid installment with the payment's local date in the lender zone", () => {
    const current = loan();
    // 00:30 on 2027-06-10 in Shanghai, still 2027-06-09 in UTC.
    const d = apply(current, pay(current.installments[0]?.amountDue ?? 0, '2027-06-09T16:30:00.000Z'));
    expect(d.changed[0]?.paidOn).toBe('2027-06-10');
  });

  it('keeps the paidOn of an installment paid before', () => {
    const current = loan();
    const first = apply(current, pay(current.installments[0]?.amountDue ?? 0, tenAm('2027-06-08')));
    const after = saved(current, first);
    const second = apply(after, pay(500_000, tenAm('2027-06-20'), 'pay-2'));
    const one = second.changed.find((i) => i.installmentNo === 1) ?? after.installments[0];
    expect(one?.paidOn).toBe('2027-06-08');
    expect(second.changed.find((i) => i.installmentNo === 2)?.paidOn).toBe('2027-06-20');
  });

  it('records the payment as asked, applied at now', () => {
    const d = apply(
      loan(),
      pay(1234, '2027-06-10T10:00:00+08:00', 'pay-x'),
      new Date('2027-06-11T00:00:00.000Z'),
    );
    expect(d.payment).toEqual({
      loanId: 'L1',
      paymentId: 'pay-x',
      amount: 1234,
      paidAt: '2027-06-10T10:00:00+08:00',
      allocations: [{ installmentNo: 1, fee: 0, penalty: 0, interest: 1234, principal: 0 }],
      credit: 0,
      appliedAt: '2027-06-11T00:00:00.000Z',
    });
  });

  it('never allocates more than was paid, and allocations plus credit are exactly the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 20 }),
        (fee, amounts, stepDays) => {
          let current = loan(fee);
          let day = '2027-05-20';
          for (const [n, amount] of amounts.entries()) {
            const owedBefore = sum(owedOn(current, day).map((o) => o.total));
            const d = apply(current, pay(amount, tenAm(day), `pay-${n}`));
            const allocated = sum(
              d.payment.allocations.map((a) => a.fee + a.penalty + a.interest + a.principal),
            );
            expect(allocated).toBeLessThanOrEqual(amount);
            expect(allocated + d.payment.credit).toBe(amount);
            expect(d.payment.credit).toBe(Math.max(0, amount - owedBefore));
            current = saved(current, d);
            expect(sum(owedOn(current, day).map((o) => o.total))).toBe(owedBefore - allocated);
            day = addDays(day, stepDays);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('decidePayment: cure, payoff and credit', () => {
  it("emits LoanCured and settles 'cured' when a payment clears a loan past due", () => {
    const current = loan();
    // 2027-06-15: 5 days past due.
    const owed = owedOn(current, '2027-06-15')[0]?.total ?? 0;
    const d = apply(current, pay(owed, tenAm('2027-06-15')));
    expect(d.exposure && isOverdue(d.exposure, '2027-06-15', rules)).toBe(false);
    expect(d.outcome).toMatchObject({ cured: true, daysPastDue: 0, loanStatus: 'active', applied: true });
    expect(d.events.map((e) => e.type)).toEqual(['PaymentReceived', 'LoanCured']);
    expect(d.events[1]).toEqual({
      type: 'LoanCured',
      at: tenAm('2027-06-15'),
      detail: { loanId: 'L1', partnerId: 'p-demo', borrowerId: 'u1', daysPastDueBefore: 5 },
    });
    expect(d.events[0]?.detail).toMatchObject({ daysPastDueBefore: 5, daysPastDue: 0 });
  });

  it('cures at one day past due in the lender zone (01:00 the day after the due date)', () => {
    const current = loan();
    const owed = owedOn(current, '2027-06-11')[0]?.total ?? 0;
    const d = apply(current, pay(owed, '2027-06-10T17:00:00.000Z'));
    expect(d.exposure && isOverdue(d.exposure, '2027-06-11', rules)).toBe(false);
    expect(d.events[1]?.detail.daysPastDueBefore).toBe(1);
  });

  it('cures when what is left past due is within the arrears tolerance, not above it', () => {
    const current = loan();
    const owed = owedOn(current, '2027-06-15')[0]?.total ?? 0;
    const tolerance = rules.delinquency.arrearsToleranceFen;
    const within = apply(current, pay(owed - tolerance, tenAm('2027-06-15')));
    expect(within.exposure && isOverdue(within.exposure, '2027-06-15', rules)).toBe(false);
    expect(within.outcome.daysPastDue).toBe(0);
    const above = apply(current, pay(owed - tolerance - 1, tenAm('2027-06-15')));
    expect(above.exposure && isOverdue(above.exposure, '2027-06-15', rules)).toBe(true);
    expect(above.outcome).toMatchObject({ cured: false, daysPastDue: 5 });
    expect(above.events.map((e) => e.type)).toEqual(['PaymentReceived']);
  });

  it('does not cure a loan that was not past due', () => {
    const current = loan();
    const d = apply(current, pay(current.installments[0]?.amountDue ?? 0, tenAm('2027-06-10')));
    expect(d.exposure?.unpaid.map((u) => u.dueDate)).toEqual(
      current.installments.slice(1).map((i) => i.dueDate),
    );
    expect(d.outcome.cured).toBe(false);
    expect(d.events.map((e) => e.type)).toEqual(['PaymentReceived']);
    expect(d.events[0]?.detail).toMatchObject({ daysPastDueBefore: 0, daysPastDue: 0 });
  });

  it('pays off the loan in full: status paid_off, no exposure left, every installment dated', () => {
    const current = loan();
    const owed = sum(owedOn(current, '2027-06-01').map((o) => o.total));
    const d = apply(current, pay(owed, tenAm('2027-06-01')));
    expect(d.loan.status).toBe('paid_off');
    expect(d.outcome.loanStatus).toBe('paid_off');
    expect(d.exposure).toBeNull();
    expect(d.payment.credit).toBe(0);
    expect(d.changed).toHaveLength(3);
    expect(d.changed.every((i) => isPaid(i) && i.paidOn === '2027-06-01')).toBe(true);
  });

  it('leaves no exposure when a late payment repays everything, LoanCured still emitted', () => {
    const current = loan();
    const owed = sum(owedOn(current, '2027-06-15').map((o) => o.total));
    const d = apply(current, pay(owed, tenAm('2027-06-15')));
    expect(d.exposure).toBeNull();
    expect(d.outcome.cured).toBe(true);
    expect(d.events.map((e) => e.type)).toEqual(['PaymentReceived', 'LoanCured']);
  });

  it('holds an over-payment as credit on the loan, added to the credit it had', () => {
    const current = loan();
    current.loan.creditBalance = 250;
    const owed = sum(owedOn(current, '2027-06-01').map((o) => o.total));
    const d = apply(current, pay(owed + 12_345, tenAm('2027-06-01')));
    expect(d.payment.credit).toBe(12_345);
    expect(d.loan.creditBalance).toBe(12_595);
    expect(d.loan.status).toBe('paid_off');
    expect(d.events[0]?.detail).toMatchObject({ amount: owed + 12_345, credit: 12_345 });
  });

  it('keeps the loan active and without credit on a partial payment', () => {
    const d = apply(loan(), pay(10_000, tenAm('2027-06-01')));
    expect(d.loan.status).toBe('active');
    expect(d.loan.creditBalance).toBe(0);
    expect(d.payment.credit).toBe(0);
  });
});

describe('decidePayment: the open escalation episode', () => {
  /** The fixture loan 5 days past due on 2027-06-15, its episode open since 2027-06-14. */
  const inEpisode = (): LoanWithInstallments => {
    const current = loan();
    current.loan.escalation = {
      episode: 1,
      rung: 'grace',
      since: '2027-06-14T01:00:00.000Z',
      pausedUntil: null,
    };
    return current;
  };

  it("ends it as 'cured' in the payment's own write when nothing is left past due", () => {
    const current = inEpisode();
    const owed = owedOn(current, '2027-06-15')[0]?.total ?? 0;
    const d = apply(current, pay(owed, tenAm('2027-06-15')));
    expect(d.loan.escalation).toEqual({
      ...current.loan.escalation,
      endedAt: tenAm('2027-06-15'),
      endReason: 'cured',
    });
  });

  it("ends it as 'paid_off' when the payment repays the whole loan", () => {
    const current = inEpisode();
    const owed = sum(owedOn(current, '2027-06-15').map((o) => o.total));
    const d = apply(current, pay(owed, tenAm('2027-06-15')));
    expect(d.loan.escalation).toMatchObject({ endedAt: tenAm('2027-06-15'), endReason: 'paid_off' });
  });

  it('leaves it open when the loan is still past due after the payment', () => {
    const current = inEpisode();
    const d = apply(current, pay(10_000, tenAm('2027-06-15')));
    expect(d.loan.escalation).toEqual(current.loan.escalation);
  });
});

describe('decidePayment: the write it asks for', () => {
  it('expects the version the loan was read at', () => {
    const d = apply(loan(), pay(10_000, tenAm('2027-06-01')));
    expect(d.expectedVersion).toBe(7);
    const other = loanFixture({ loanId: 'L2', version: 42 });
    expect(apply(other, pay(10_000, tenAm('2027-06-01'))).expectedVersion).toBe(42);
  });

  it('emits PaymentReceived with the ids, amount and days past due before and after', () => {
    const d = apply(loan(), pay(10_000, tenAm('2027-06-20'), 'pay-9'), new Date(tenAm('2027-06-21')));
    expect(d.events).toEqual([
      {
        type: 'PaymentReceived',
        at: tenAm('2027-06-21'),
        detail: {
          loanId: 'L1',
          partnerId: 'p-demo',
          borrowerId: 'u1',
          paymentId: 'pay-9',
          amount: 10_000,
          credit: 0,
          daysPastDueBefore: 10,
          daysPastDue: 10,
        },
      },
    ]);
  });

  it('does not change the loan and installments it was given', () => {
    const current = loan(500);
    const snapshot = structuredClone(current);
    apply(current, pay(250_000, tenAm('2027-07-20')));
    expect(current).toEqual(snapshot);
  });
});
