import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { InstallmentState } from '#shared/lending/types.ts';
import {
  type BehaviourInput,
  behaviourFacts,
  behaviourScore,
  behaviourStanding,
  creditLimit,
  isSuspended,
  type LoanHistory,
  loanHistoryOf,
} from '#shared/scoring/behaviour.ts';
import { checkGates } from '#shared/scoring/gates.ts';

const rules = defaultRules;
const today = '2027-07-01';

/** A loan booked in January with monthly installments, each paid `late[i]` days after its due date. */
function history(late: (number | null)[], partnerId = 'p1'): LoanHistory {
  return {
    partnerId,
    bookedOn: '2027-01-01',
    installments: late.map((days, i) => {
      const dueDate = addDays('2027-01-01', 30 * (i + 1));
      return days === null ? { dueDate } : { dueDate, paidOn: addDays(dueDate, days) };
    }),
  };
}

const person = (histories: Record<string, LoanHistory>, brokenPromises: string[] = []): BehaviourInput => ({
  histories,
  brokenPromises,
  today,
});

describe('behaviour score', () => {
  it('is higher for a person who always paid on time than for one who paid 40 days late', () => {
    const onTime = behaviourScore(person({ l1: history([0, 0, 0, 0, 0]) }), rules);
    const late = behaviourScore(person({ l1: history([0, 0, 40, 0, 0]) }), rules);
    expect(onTime.score).toBeGreaterThan(late.score);
    expect(late.facts.worstDpd).toBe(40);
    expect(late.reasonCodes[0]).toBe('BEHAVIOUR_DAYS_LATE');
  });

  it('reads the facts across loans at every partner', () => {
    const facts = behaviourScore(
      person({ l1: history([0, 0], 'p1'), l2: history([0, null], 'p2') }),
      rules,
    ).facts;
    // l2's second installment fell due on 2027-03-02 and is unpaid on 2027-07-01.
    expect(facts.worstDpd).toBe(121);
    expect(facts.onTimeStreak).toBe(0);
    expect(facts.monthsOnBook).toBe(6);
  });

  it('counts broken promises of the lookback window only', () => {
    const facts = behaviourScore(person({ l1: history([0]) }, ['2026-12-01', '2027-06-01']), rules).facts;
    expect(facts.brokenPromises).toBe(1);
  });

  const lateness = fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 60 })), {
    minLength: 1,
    maxLength: 6,
  });
  const brokenDates = fc.array(
    fc.integer({ min: 0, max: 400 }).map((d) => addDays(today, -d)),
    {
      maxLength: 3,
    },
  );

  it('never rises with a broken promise more (property)', () => {
    fc.assert(
      fc.property(lateness, brokenDates, fc.integer({ min: 0, max: 200 }), (late, broken, ago) => {
        const before = behaviourScore(person({ l1: history(late) }, broken), rules).score;
        const after = behaviourScore(person({ l1: history(late) }, [...broken, addDays(today, -ago)]), rules);
        expect(after.score).toBeLessThanOrEqual(before);
      }),
    );
  });

  it('never rises when an installment is paid later or not at all (property)', () => {
    fc.assert(
      fc.property(lateness, fc.nat(), fc.oneof(fc.constant(null), fc.nat({ max: 60 })), (late, at, more) => {
        const i = at % late.length;
        const was = late[i] ?? null;
        const worse = [...late];
        // Paid `more` days later than it was (no later than today), or left unpaid.
        worse[i] = was === null || more === null ? null : was + more;
        const h = history(worse);
        const due = h.installments[i]?.dueDate as string;
        if (worse[i] !== null && addDays(due, worse[i] as number) > today) worse[i] = null;
        const before = behaviourScore(person({ l1: history(late) }), rules).score;
        expect(behaviourScore(person({ l1: history(worse) }), rules).score).toBeLessThanOrEqual(before);
      }),
    );
  });
});

/** A loan booked on `bookedOn` whose installments fell due on the given dates, each paid then or not (`null`). */
function loanOf(bookedOn: string, installments: [dueDate: string, paidOn: string | null][]): LoanHistory {
  return {
    partnerId: 'p1',
    bookedOn,
    installments: installments.map(([dueDate, paidOn]) =>
      paidOn === null ? { dueDate } : { dueDate, paidOn },
    ),
  };
}

describe('the repayment history kept of a loan', () => {
  /** A 1,000-fen installment, with the amounts paid of each part. */
  const inst = (
    dueDate: string,
    paid: Partial<Pick<InstallmentState, 'principalPaid' | 'interestPaid' | 'feePaid' | 'penaltyPaid'>>,
    paidOn?: string,
  ) => ({
    installmentNo: 1,
    dueDate,
    principalDue: 700,
    interestDue: 200,
    feeDue: 100,
    amountDue: 1_000,
    principalPaid: 0,
    interestPaid: 0,
    feePaid: 0,
    penaltyAccrued: 50,
    penaltyPaid: 0,
    penaltyAccruedThrough: null,
    ...paid,
    paidOn,
  });
  const settled = { principalPaid: 700, interestPaid: 200, feePaid: 100, penaltyPaid: 50 };

  it('keeps the date each installment was paid in full, and marks the ones part paid by any part', () => {
    const history = loanHistoryOf({ partnerId: 'p1', disbursedOn: '2027-01-05' }, [
      inst('2027-02-05', settled, '2027-02-07'),
      inst('2027-03-05', { principalPaid: 1 }),
      inst('2027-04-05', { interestPaid: 1 }),
      inst('2027-05-05', { feePaid: 1 }),
      inst('2027-06-05', { penaltyPaid: 1 }),
      inst('2027-07-05', {}),
    ]);
    expect(history).toStrictEqual({
      partnerId: 'p1',
      bookedOn: '2027-01-05',
      installments: [
        { dueDate: '2027-02-05', paidOn: '2027-02-07' },
        { dueDate: '2027-03-05', partlyPaid: true },
        { dueDate: '2027-04-05', partlyPaid: true },
        { dueDate: '2027-05-05', partlyPaid: true },
        { dueDate: '2027-06-05', partlyPaid: true },
        { dueDate: '2027-07-05' },
      ],
    });
  });

  it('keeps no date for an installment settled without one (waived), and does not call it part paid', () => {
    const history = loanHistoryOf({ partnerId: 'p1', disbursedOn: '2027-01-05' }, [
      inst('2027-02-05', settled),
    ]);
    expect(history.installments).toStrictEqual([{ dueDate: '2027-02-05' }]);
  });
});

describe('behaviour facts', () => {
  // today is 2027-07-01: the six-month window starts on 2027-01-01.

  it('counts the on-time streak back from the latest installment due, paid on its due date or before', () => {
    const facts = behaviourFacts(
      person({
        l1: loanOf('2026-12-01', [
          ['2027-03-01', '2027-03-02'],
          ['2027-04-01', '2027-04-01'],
          ['2027-05-01', '2027-04-28'],
          ['2027-06-01', '2027-06-01'],
        ]),
      }),
      rules,
    );
    expect(facts.onTimeStreak).toBe(3);
  });

  it('counts every installment due in the streak when none was late', () => {
    const facts = behaviourFacts(
      person({
        l1: loanOf('2027-03-01', [
          ['2027-04-01', '2027-04-01'],
          ['2027-05-01', '2027-05-01'],
        ]),
      }),
      rules,
    );
    expect(facts.onTimeStreak).toBe(2);
  });

  it('does not judge installments not yet due, or due today, as late or part paid', () => {
    const facts = behaviourFacts(
      person({
        l1: {
          partnerId: 'p1',
          bookedOn: '2027-05-01',
          installments: [
            { dueDate: '2027-06-01', paidOn: '2027-06-01' },
            { dueDate: today, partlyPaid: true },
            { dueDate: '2027-08-01', partlyPaid: true },
          ],
        },
      }),
      rules,
    );
    expect(facts).toMatchObject({ worstDpd: 0, onTimeStreak: 1, partialPayments: 0 });
  });

  it('counts the installments due that are part paid', () => {
    const facts = behaviourFacts(
      person({
        l1: {
          partnerId: 'p1',
          bookedOn: '2027-03-01',
          installments: [
            { dueDate: '2027-04-01', paidOn: '2027-04-01' },
            { dueDate: '2027-05-01', partlyPaid: true },
            { dueDate: '2027-06-01' },
          ],
        },
      }),
      rules,
    );
    expect(facts.partialPayments).toBe(1);
  });

  it('takes the days late of installments paid from the first day of the window on, not before it', () => {
    const paidLateOn = (paidOn: string) =>
      behaviourFacts(person({ l1: loanOf('2026-10-01', [[addDays(paidOn, -10), paidOn]]) }), rules).worstDpd;
    expect(paidLateOn('2027-01-01')).toBe(10);
    expect(paidLateOn('2026-12-31')).toBe(0);
  });

  it('counts months on book from the person’s first loan, whichever loan the item names first', () => {
    const facts = behaviourFacts(
      person({ l2: loanOf('2027-05-15', []), l1: loanOf('2026-01-10', []) }),
      rules,
    );
    expect(facts.monthsOnBook).toBe(17);
  });

  it('counts a promise broken on the first day of the window, not the day before', () => {
    const broken = (on: string) => behaviourFacts(person({}, [on]), rules).brokenPromises;
    expect(broken('2027-01-01')).toBe(1);
    expect(broken('2026-12-31')).toBe(0);
  });
});

describe('behaviour reasons', () => {
  it('names the characteristics that cost points, most costly first, the scorecard’s order between equals', () => {
    // Days late 5 (10 points, 30 short of the best), on-time streak 5 (15, 15 short), no part payment
    // (the best), two broken promises (−60, 70 short), 17 months on book (10, 10 short).
    const installments: [string, string][] = [['2027-01-05', '2027-01-10']];
    for (const month of ['02', '03', '04', '05', '06'])
      installments.push([`2027-${month}-05`, `2027-${month}-05`]);
    const scored = behaviourScore(
      person({ l1: loanOf('2026-02-01', installments) }, ['2027-03-01', '2027-05-01']),
      rules,
    );
    expect(scored.facts).toEqual({
      worstDpd: 5,
      onTimeStreak: 5,
      partialPayments: 0,
      brokenPromises: 2,
      monthsOnBook: 17,
    });
    expect(scored.reasonCodes).toEqual([
      'BEHAVIOUR_BROKEN_PROMISES',
      'BEHAVIOUR_DAYS_LATE',
      'BEHAVIOUR_ON_TIME_STREAK',
      'BEHAVIOUR_MONTHS_ON_BOOK',
    ]);
  });

  it('names none for a person at the best of every characteristic', () => {
    const installments: [string, string][] = [];
    for (let m = 1; m <= 12; m++) {
      const due = `2026-${String(m).padStart(2, '0')}-10`;
      installments.push([due, due]);
    }
    const scored = behaviourScore(person({ l1: loanOf('2025-06-01', installments) }), rules);
    expect(scored.reasonCodes).toEqual([]);
  });
});

describe('credit limit and suspension', () => {
  it('is 6 × monthly income × the grade factor', () => {
    expect(creditLimit('A', 1_000_000, rules)).toBe(6_000_000);
    expect(creditLimit('B', 1_000_000, rules)).toBe(4_800_000);
    expect(creditLimit('C', 1_000_000, rules)).toBe(3_600_000);
    expect(creditLimit('D', 1_000_000, rules)).toBe(1_800_000);
    expect(creditLimit('E', 1_000_000, rules)).toBe(0);
  });

  it('suspends for 90 days after a broken promise, and not after', () => {
    expect(isSuspended([addDays(today, -89)], today, rules)).toBe(true);
    expect(isSuspended([addDays(today, -90)], today, rules)).toBe(false);
    expect(isSuspended([], today, rules)).toBe(false);
  });

  it('counts a promise broken today, and none judged after the day asked about', () => {
    expect(isSuspended([today], today, rules)).toBe(true);
    expect(isSuspended([addDays(today, 1)], today, rules)).toBe(false);
  });

  it('suspends a person with no loan left on their item but a promise broken lately', () => {
    expect(
      behaviourStanding(
        { loans: {}, histories: {}, brokenPromises: [addDays(today, -10)] },
        1_000_000,
        today,
        rules,
      ),
    ).toMatchObject({ suspended: true, outstanding: 0 });
  });

  it('has nothing to enforce on a person who never borrowed', () => {
    expect(behaviourStanding({ loans: {}, histories: {}, brokenPromises: [] }, 1_000_000, today, rules)).toBe(
      undefined,
    );
  });

  it('sums what the person owes at every partner', () => {
    const standing = behaviourStanding(
      {
        loans: {
          l1: { partnerId: 'p1', unpaid: [{ dueDate: '2027-08-01', owed: 100_000 }] },
          l2: { partnerId: 'p2', unpaid: [{ dueDate: '2027-08-05', owed: 50_000 }] },
        },
        histories: { l1: history([0, 0, 0], 'p1'), l2: history([0], 'p2') },
        brokenPromises: [],
      },
      1_000_000,
      today,
      rules,
    );
    expect(standing?.outstanding).toBe(150_000);
    expect(standing?.suspended).toBe(false);
  });
});

describe('behaviour gates', () => {
  const base = {
    ageYears: 33,
    employmentStatus: 'employed' as const,
    monthsInCurrentJob: 28,
    monthlyIncome: 1_000_000,
    dtiBps: 2000,
    worstDpdLast12Months: 0,
    inquiriesLast90Days: 1,
    activeLoansOtherLenders: 0,
    creditHistoryMonths: 52,
    overdueExisting: false,
    hardshipActive: false,
  };

  it('declines EXPOSURE_LIMIT when the offer would take the total over the limit, and not at it', () => {
    const behaviour = { suspended: false, limit: 1_000_000, outstanding: 600_000 };
    expect(checkGates({ ...base, behaviour, offerAmount: 400_001 }, rules).declines).toEqual([
      'EXPOSURE_LIMIT',
    ]);
    expect(checkGates({ ...base, behaviour, offerAmount: 400_000 }, rules).declines).toEqual([]);
  });

  it('declines BEHAVIOUR_SUSPENDED while a broken promise suspends the person', () => {
    const behaviour = { suspended: true, limit: 6_000_000, outstanding: 0 };
    expect(checkGates({ ...base, behaviour, offerAmount: 100_000 }, rules).declines).toEqual([
      'BEHAVIOUR_SUSPENDED',
    ]);
  });

  it('leaves a first-time applicant to the application scorecard', () => {
    expect(checkGates({ ...base, offerAmount: 6_000_000 }, rules).declines).toEqual([]);
  });
});
