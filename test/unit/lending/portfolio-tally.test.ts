import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import {
  isEmptyDelta,
  loanDelta,
  markVintageDelinquency,
  type PortfolioDelta,
  paymentDelta,
  type TalliedLoan,
} from '#shared/lending/portfolio-tally.ts';
import type { InstallmentState } from '#shared/lending/types.ts';

const rules = defaultRules;

/** An installment of `principal` fen (no interest or fee), `paid` of it paid. */
const inst = (installmentNo: number, dueDate: string, principal: number, paid = 0): InstallmentState => ({
  installmentNo,
  dueDate,
  principalDue: principal,
  interestDue: 0,
  feeDue: 0,
  amountDue: principal,
  principalPaid: paid,
  interestPaid: 0,
  feePaid: 0,
  penaltyAccrued: 0,
  penaltyPaid: 0,
  penaltyAccruedThrough: null,
});

const loan = (status: TalliedLoan['status'] = 'active'): TalliedLoan => ({
  loanId: 'L1',
  partnerId: 'P1',
  provinceCode: '11',
  status,
  disbursedOn: '2030-01-20',
});

const schedule = [inst(1, '2030-02-20', 1_000), inst(2, '2030-03-20', 1_000)];
const afterPaying = (paid: number) => [inst(1, '2030-02-20', 1_000, paid), inst(2, '2030-03-20', 1_000)];

describe('what a loan write adds to the running totals', () => {
  it('adds a booked loan, its principal and its vintage', () => {
    expect(loanDelta(undefined, { loan: loan(), installments: schedule })).toEqual({
      loanId: 'L1',
      partnerId: 'P1',
      provinceCode: '11',
      loans: 1,
      outstanding: 2_000,
      chargedOffLoans: 0,
      chargedOffPrincipal: 0,
      recoveries: 0,
      vintage: { month: '2030-01', booked: 1 },
    });
  });

  it('takes a payment off the outstanding principal, with nothing charged off', () => {
    const delta = loanDelta(
      { loan: loan(), installments: schedule },
      { loan: loan(), installments: afterPaying(600) },
    );
    expect(delta).toMatchObject({ loans: 0, outstanding: -600, chargedOffLoans: 0, chargedOffPrincipal: 0 });
    expect(delta.vintage).toBeUndefined();
  });

  it('moves a charged-off loan’s principal out of the book into the charged-off totals', () => {
    expect(
      loanDelta(
        { loan: loan(), installments: afterPaying(600) },
        { loan: loan('charged_off'), installments: afterPaying(600) },
      ),
    ).toMatchObject({ loans: -1, outstanding: -1_400, chargedOffLoans: 1, chargedOffPrincipal: 1_400 });
  });

  it('charges off nothing again when a loan already charged off is written (a recovery)', () => {
    const chargedOff = { loan: loan('charged_off'), installments: afterPaying(600) };
    expect(
      loanDelta(chargedOff, { loan: loan('charged_off'), installments: afterPaying(900) }),
    ).toMatchObject({
      loans: 0,
      outstanding: 0,
      chargedOffLoans: 0,
      chargedOffPrincipal: 0,
    });
  });

  it('counts a payment as a recovery from the recovery DPD on, not the day before', () => {
    const recoveryDpd = rules.portfolio.recoveryDpd;
    const pay = (dpdBefore: number) =>
      paymentDelta(
        { loan: loan(), installments: schedule },
        { loan: loan(), installments: afterPaying(600) },
        600,
        dpdBefore,
        rules,
      ).recoveries;
    expect(pay(recoveryDpd)).toBe(600);
    expect(pay(recoveryDpd - 1)).toBe(0);
  });
});

describe('an empty delta', () => {
  const none: PortfolioDelta = {
    loanId: 'L1',
    partnerId: 'P1',
    loans: 0,
    outstanding: 0,
    chargedOffLoans: 0,
    chargedOffPrincipal: 0,
    recoveries: 0,
  };

  it('is one that changes no total', () => {
    expect(isEmptyDelta(none)).toBe(true);
    expect(isEmptyDelta({ ...none, provinceCode: '11' })).toBe(true);
  });

  it('is not one that changes any total, or adds to a vintage', () => {
    expect(isEmptyDelta({ ...none, loans: 1 })).toBe(false);
    expect(isEmptyDelta({ ...none, outstanding: -600 })).toBe(false);
    expect(isEmptyDelta({ ...none, chargedOffLoans: 1 })).toBe(false);
    expect(isEmptyDelta({ ...none, chargedOffPrincipal: 1_400 })).toBe(false);
    expect(isEmptyDelta({ ...none, recoveries: 600 })).toBe(false);
    expect(isEmptyDelta({ ...none, vintage: { month: '2030-01', booked: 0, delinquentAtMob: 2 } })).toBe(
      false,
    );
  });
});

describe('vintage delinquency', () => {
  const vintageDpd = rules.portfolio.vintageDpd;

  it('marks a loan the first day it reaches the vintage DPD, at its month on book', () => {
    expect(markVintageDelinquency(loan(), vintageDpd, '2030-03-22', rules)).toEqual({
      loan: { ...loan(), vintageDelinquentOn: '2030-03-22' },
      vintage: { month: '2030-01', booked: 0, delinquentAtMob: 2 },
    });
  });

  it('leaves a loan short of the vintage DPD unmarked', () => {
    expect(markVintageDelinquency(loan(), vintageDpd - 1, '2030-03-22', rules)).toEqual({ loan: loan() });
  });

  it('adds nothing for a loan already marked, however late it is now', () => {
    const marked = { ...loan(), vintageDelinquentOn: '2030-03-22' };
    expect(markVintageDelinquency(marked, vintageDpd + 40, '2030-05-01', rules)).toEqual({ loan: marked });
  });
});
