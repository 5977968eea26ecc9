import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { addDays } from '#shared/lending/calendar.ts';
import {
  type BehaviourInput,
  behaviourScore,
  behaviourStanding,
  creditLimit,
  isSuspended,
  type LoanHistory,
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
