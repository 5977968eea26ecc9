import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import {
  decideRestructure,
  monthsElapsed,
  newSchedule,
  observationPeriod,
  type Restructuring,
} from '#shared/lending/restructure.ts';
import type { InstallmentState } from '#shared/lending/types.ts';

/** Hand-built cases with known answers, beside the properties of restructure.test.ts. */
const rules = defaultRules;
const TODAY = '2027-04-01';
const loan = {
  aprBps: 1800,
  termMonths: 6,
  repaymentMethod: 'equal_installment' as const,
  disbursedOn: '2027-01-15',
};

const inst = (
  no: number,
  dueDate: string,
  change: Partial<InstallmentState> = {},
): InstallmentState & { paidOn?: string } => ({
  installmentNo: no,
  dueDate,
  principalDue: 10_000,
  interestDue: 500,
  feeDue: 100,
  amountDue: 10_600,
  principalPaid: 0,
  interestPaid: 0,
  feePaid: 0,
  penaltyAccrued: 0,
  penaltyPaid: 0,
  penaltyAccruedThrough: null,
  ...change,
});
const paid = (i: InstallmentState) => ({
  ...i,
  principalPaid: i.principalDue,
  interestPaid: i.interestDue,
  feePaid: i.feeDue,
  penaltyPaid: i.penaltyAccrued,
});

describe('decideRestructure, by hand', () => {
  const book = [
    paid(inst(1, '2027-02-15')),
    // Past due: 9,000 principal, 403 interest and 60 fee unpaid, 300 penalty accrued.
    inst(2, '2027-03-15', {
      principalPaid: 1_000,
      interestDue: 503,
      interestPaid: 100,
      feePaid: 40,
      penaltyAccrued: 300,
    }),
    // Not due yet: its principal is re-scheduled, its interest and fee are not owed.
    inst(3, '2027-08-15'),
  ];

  it('re-schedules the principal, spreads the due interest, carries fee and penalty to the first new installment', () => {
    const decision = decideRestructure(
      loan,
      book,
      { termMonths: 4 },
      TODAY,
      '2027-04-01T02:00:00.000Z',
      rules,
    );
    if (decision.kind !== 'restructured') throw new Error(`refused: ${JSON.stringify(decision)}`);
    expect(decision.restructuring).toMatchObject({
      principal: 19_000,
      carriedInterest: 403,
      carriedFee: 60,
      carriedPenalty: 300,
      firstInstallmentNo: 4,
    });
    // The unpaid old installments close at what was paid on them.
    expect(
      decision.closed.map((c) => [c.installmentNo, c.principalDue, c.interestDue, c.feeDue, c.amountDue]),
    ).toEqual([
      [2, 1_000, 100, 40, 1_140],
      [3, 0, 0, 0, 0],
    ]);
    expect(decision.added.map((a) => a.installmentNo)).toEqual([4, 5, 6, 7]);
    expect(decision.added.map((a) => a.carriedInterest)).toEqual([100, 100, 100, 103]);
    const [first, second] = decision.added;
    expect(first?.penaltyAccrued).toBe(300);
    expect(second?.penaltyAccrued).toBe(0);
    expect((first?.feeDue ?? 0) - (second?.feeDue ?? 0)).toBe(60);
    for (const a of decision.added) expect(a.amountDue).toBe(a.principalDue + a.interestDue + a.feeDue);
    expect(decision.added.reduce((s, a) => s + a.principalDue, 0)).toBe(19_000);
    // Each new installment's interest is the new schedule's own plus its share of the carried interest.
    const own = newSchedule(loan, 19_000, loan.aprBps, 4, TODAY, rules);
    expect(decision.added.map((a) => a.interestDue - a.carriedInterest)).toEqual(
      own.map((o) => o.interestDue),
    );
    // 3 months begun since disbursement, and 4 more.
    expect(decision.totalTermMonths).toBe(7);
  });

  it('allows 12 months beyond the contract from disbursement, and refuses one more, naming the most', () => {
    // Contract 6 + 12 = 18 months from disbursement, 3 of them begun.
    expect(decideRestructure(loan, book, { termMonths: 15 }, TODAY, 'at', rules).kind).toBe('restructured');
    expect(decideRestructure(loan, book, { termMonths: 16 }, TODAY, 'at', rules)).toEqual({
      kind: 'refused',
      refusal: { kind: 'term_too_long', maxTermMonths: 15 },
    });
  });

  it('refuses a term of no months', () => {
    expect(decideRestructure(loan, book, { termMonths: 0 }, TODAY, 'at', rules)).toMatchObject({
      kind: 'refused',
      refusal: { kind: 'term_too_long' },
    });
  });

  it('numbers a schedule with no principal from 1, monthly from today', () => {
    expect(
      newSchedule(loan, 0, loan.aprBps, 3, TODAY, rules).map((i) => [i.installmentNo, i.dueDate]),
    ).toEqual([
      [1, '2027-05-01'],
      [2, '2027-06-01'],
      [3, '2027-07-01'],
    ]);
  });

  it('refuses a loan that owes nothing', () => {
    expect(decideRestructure(loan, book.map(paid), { termMonths: 3 }, TODAY, 'at', rules)).toEqual({
      kind: 'refused',
      refusal: { kind: 'nothing_owed' },
    });
  });

  it.each([
    [
      'only fee and penalty, as much of each',
      { principalPaid: 10_000, interestPaid: 500, penaltyAccrued: 100 },
    ],
    [
      'principal and due interest alike, nothing else',
      { principalPaid: 9_500, interestPaid: 0, feePaid: 100 },
    ],
    [
      'a fee as large as the interest and penalty together',
      { principalPaid: 10_000, interestPaid: 450, penaltyAccrued: 50 },
    ],
  ])('restructures a loan owing %s, monthly from today', (_, change) => {
    const owing = [paid(inst(1, '2027-02-15')), inst(2, '2027-03-15', change), paid(inst(3, '2027-08-15'))];
    const decision = decideRestructure(loan, owing, { termMonths: 3 }, TODAY, 'at', rules);
    expect(decision.kind).toBe('restructured');
    if (decision.kind !== 'restructured') return;
    expect(decision.added.map((a) => [a.installmentNo, a.dueDate])).toEqual([
      [4, '2027-05-01'],
      [5, '2027-06-01'],
      [6, '2027-07-01'],
    ]);
  });
});

describe('monthsElapsed', () => {
  it('counts a month begun as whole, and none on the monthiversary itself', () => {
    expect(monthsElapsed('2027-01-15', '2027-04-15')).toBe(3);
    expect(monthsElapsed('2027-01-15', '2027-04-16')).toBe(4);
  });
});

describe('observationPeriod, by hand', () => {
  const restructuring = { firstInstallmentNo: 4, firstDueDate: '2027-05-01' } as Restructuring;
  const onTime = (no: number, dueDate: string, paidOn: string) => ({ ...paid(inst(no, dueDate)), paidOn });
  // An old installment paid on time is not part of the new schedule's record.
  const old = onTimeOld();
  function onTimeOld() {
    return { ...paid(inst(3, '2027-03-15')), paidOn: '2027-03-15' };
  }

  it('completes once the months have passed with the repayments in a row, counting a payment on the last grace day', () => {
    const schedule = [onTime(5, '2027-06-01', '2027-06-04'), old, onTime(4, '2027-05-01', '2027-05-01')];
    expect(observationPeriod(restructuring, schedule, '2028-05-01', rules)).toEqual({
      since: '2027-05-01',
      endsOn: '2028-05-01',
      repaymentsInARow: 2,
      status: 'completed',
    });
    expect(observationPeriod(restructuring, schedule, '2028-04-30', rules).status).toBe('observing');
    expect(observationPeriod(restructuring, schedule.slice(1), '2028-05-01', rules).status).toBe('observing');
  });

  it('starts again from the next due date after a payment made past its grace, in installment order', () => {
    const schedule = [onTime(5, '2027-06-01', '2027-06-01'), onTime(4, '2027-05-01', '2027-05-05')];
    expect(observationPeriod(restructuring, schedule, '2027-07-01', rules)).toMatchObject({
      since: '2027-06-01',
      repaymentsInARow: 1,
    });
  });

  it('does not count an unpaid installment missed until its grace has ended', () => {
    const schedule = [inst(4, '2027-05-01')];
    expect(observationPeriod(restructuring, schedule, '2027-05-04', rules).since).toBe('2027-05-01');
    expect(observationPeriod(restructuring, schedule, '2027-05-05', rules).since).toBe('2027-06-01');
  });
});
