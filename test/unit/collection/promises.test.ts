import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRung, ladderPausedUntil } from '#shared/collection/ladder.ts';
import {
  afterJudgment,
  isDueForJudgment,
  judgePromise,
  newPromiseRefusal,
  type OpenPromise,
  promisePauseUntil,
} from '#shared/collection/promises.ts';
import { phoneMarkedWrong } from '#shared/contact/policy.ts';
import { at, episode, FIRST_DUE, ladderLoan, rules, unpaid } from './ladder-fixtures.ts';

/** A promise made at D+16 (2027-06-26, 10:00 lender time) to pay ¥500 by 2027-07-01. */
const promise = (over: Partial<OpenPromise> = {}): OpenPromise => ({
  promiseId: 'pr-1',
  date: '2027-07-01',
  amount: 50_000,
  madeAt: at('2027-06-26', '10:00').toISOString(),
  source: 'desk',
  ...over,
});

describe('the promise pause', () => {
  it('holds the ladder until the day after the date at the sweep hour', () => {
    const loan = ladderLoan({ promise: promise() });
    expect(promisePauseUntil(loan, at('2027-06-26', '10:00'), rules)).toEqual(at('2027-07-02'));
    expect(promisePauseUntil(loan, at('2027-07-01', '23:59'), rules)).toEqual(at('2027-07-02'));
  });

  it('is over at that instant exactly', () => {
    const loan = ladderLoan({ promise: promise() });
    const resume = at('2027-07-02');
    expect(promisePauseUntil(loan, new Date(resume.getTime() - 1), rules)).toEqual(resume);
    expect(promisePauseUntil(loan, resume, rules)).toBeUndefined();
  });

  it('makes the rung wait (pausedUntil) instead of acting, as a hardship plan does', () => {
    const input = { episode: 1, rung: 'D+30' };
    const now = at('2027-07-10'); // D+30 of the first installment, its day
    expect(decideRung(ladderLoan(), unpaid(), input, now, rules).kind).toBe('act');
    const paused = ladderLoan({ promise: promise({ date: '2027-07-12' }) });
    expect(decideRung(paused, unpaid(), input, now, rules)).toEqual({
      kind: 'wait',
      rung: 'D+30',
      at: at('2027-07-13'),
      pausedUntil: at('2027-07-13'),
    });
  });

  it('still pauses after 1 broken promise in the episode, no longer after 2', () => {
    const with1 = ladderLoan({ escalation: episode({ brokenPromises: 1 }), promise: promise() });
    const with2 = ladderLoan({ escalation: episode({ brokenPromises: 2 }), promise: promise() });
    const now = at('2027-06-27');
    expect(promisePauseUntil(with1, now, rules)).toEqual(at('2027-07-02'));
    expect(promisePauseUntil(with2, now, rules)).toBeUndefined();
    expect(decideRung(with2, unpaid(), { episode: 1, rung: 'D+15' }, now, rules).kind).toBe('act');
  });

  it('counts broken promises of the open episode only: an ended episode’s do not stop the pause', () => {
    const ended = episode({ brokenPromises: 2, endedAt: '2027-06-20T00:00:00.000Z', endReason: 'cured' });
    expect(
      promisePauseUntil(ladderLoan({ escalation: ended, promise: promise() }), at('2027-06-27'), rules),
    ).toEqual(at('2027-07-02'));
  });
});

describe('the dispute pause', () => {
  const dispute = { since: at('2027-06-26', '10:00').toISOString(), taskId: 't1' };

  it('looks again at the next sweep hour, each day, while the dispute is open', () => {
    const loan = ladderLoan({ dispute });
    expect(ladderPausedUntil(loan, at('2027-06-26', '10:00'), rules)).toEqual(at('2027-06-27'));
    expect(ladderPausedUntil(loan, at('2027-06-27', '08:59'), rules)).toEqual(at('2027-06-27'));
    expect(ladderPausedUntil(loan, at('2027-06-27'), rules)).toEqual(at('2027-06-28'));
    expect(decideRung(loan, unpaid(), { episode: 1, rung: 'D+30' }, at('2027-07-10'), rules)).toMatchObject({
      kind: 'wait',
      rung: 'D+30',
      at: at('2027-07-11'),
    });
  });

  it('holds even after 2 broken promises, and lifts once resolved', () => {
    const loan = ladderLoan({ escalation: episode({ brokenPromises: 2 }), dispute });
    expect(decideRung(loan, unpaid(), { episode: 1, rung: 'D+30' }, at('2027-07-10'), rules).kind).toBe(
      'wait',
    );
    const { dispute: _resolved, ...lifted } = loan;
    expect(decideRung(lifted, unpaid(), { episode: 1, rung: 'D+30' }, at('2027-07-10'), rules).kind).toBe(
      'act',
    );
  });
});

describe('judging a promise', () => {
  const endOfDate = at('2027-07-02', '00:00').getTime(); // midnight starting the day after, lender time
  const paid = (amount: number, instant: number | Date) => ({
    amount,
    paidAt: new Date(instant).toISOString(),
  });

  it('is due from the day after its date, not on it', () => {
    expect(isDueForJudgment(promise(), '2027-07-01')).toBe(false);
    expect(isDueForJudgment(promise(), '2027-07-02')).toBe(true);
  });

  it('keeps a promise paid in full, or short by at most the 100-fen tolerance; breaks it one fen short more', () => {
    const on = at('2027-06-30', '12:00');
    expect(judgePromise(promise(), [paid(50_000, on)], rules)).toEqual({ verdict: 'kept', paid: 50_000 });
    expect(judgePromise(promise(), [paid(49_900, on)], rules)).toEqual({ verdict: 'kept', paid: 49_900 });
    expect(judgePromise(promise(), [paid(49_899, on)], rules)).toEqual({ verdict: 'broken', paid: 49_899 });
  });

  it('adds up several payments', () => {
    const payments = [paid(20_000, at('2027-06-27', '12:00')), paid(30_000, at('2027-07-01', '20:00'))];
    expect(judgePromise(promise(), payments, rules)).toEqual({ verdict: 'kept', paid: 50_000 });
  });

  it('counts a payment to the last millisecond of the date in lender time, not the next day’s', () => {
    expect(judgePromise(promise(), [paid(50_000, endOfDate - 1)], rules).verdict).toBe('kept');
    expect(judgePromise(promise(), [paid(50_000, endOfDate)], rules)).toEqual({ verdict: 'broken', paid: 0 });
  });

  it('counts nothing paid before the promise was made', () => {
    const madeAt = Date.parse(promise().madeAt);
    expect(judgePromise(promise(), [paid(50_000, madeAt - 1)], rules).verdict).toBe('broken');
    expect(judgePromise(promise(), [paid(50_000, madeAt)], rules).verdict).toBe('kept');
  });

  it('is kept exactly when what was paid in the window reaches the amount less the tolerance', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ amount: fc.integer({ min: 1, max: 30_000 }), offset: fc.integer({ min: -3, max: 8 }) }),
        ),
        (drawn) => {
          // Offsets in days from the promise's making: from before it to past its date.
          const payments = drawn.map((d) =>
            paid(d.amount, Date.parse(promise().madeAt) + d.offset * 86_400_000),
          );
          const inWindow = payments
            .filter(
              (p) => Date.parse(p.paidAt) >= Date.parse(promise().madeAt) && Date.parse(p.paidAt) < endOfDate,
            )
            .reduce((s, p) => s + p.amount, 0);
          const verdict = judgePromise(promise(), payments, rules);
          expect(verdict.paid).toBe(inWindow);
          expect(verdict.verdict).toBe(inWindow >= 50_000 - 100 ? 'kept' : 'broken');
        },
      ),
    );
  });

  it('closes the promise; a broken one counts in the open episode, a kept one does not', () => {
    const loan = ladderLoan({ escalation: episode({ brokenPromises: 1 }), promise: promise() });
    const broken = afterJudgment(loan, 'broken');
    expect(broken.promise).toBeUndefined();
    expect(broken.escalation?.brokenPromises).toBe(2);
    const kept = afterJudgment(loan, 'kept');
    expect(kept.promise).toBeUndefined();
    expect(kept.escalation?.brokenPromises).toBe(1);
    // The second broken promise ends the pause of the next one.
    expect(
      promisePauseUntil({ ...broken, promise: promise({ date: '2027-07-09' }) }, at('2027-07-03'), rules),
    ).toBeUndefined();
  });

  it('counts nothing when no episode is open', () => {
    const ended = episode({ endedAt: '2027-06-30T00:00:00.000Z', endReason: 'cured' });
    expect(afterJudgment(ladderLoan({ escalation: ended, promise: promise() }), 'broken').escalation).toEqual(
      ended,
    );
  });
});

describe('a new promise', () => {
  const input = { date: '2027-06-30', amount: 120_000 };
  const today = '2027-06-26';

  it('is refused while another is open, on a loan that is not active, and (for a partner) with nothing past due', () => {
    expect(
      newPromiseRefusal(ladderLoan({ promise: promise() }), unpaid(), input, today, rules, false),
    ).toEqual({
      kind: 'promise_open',
      date: '2027-07-01',
    });
    expect(
      newPromiseRefusal(ladderLoan({ status: 'paid_off' }), unpaid(), input, today, rules, true),
    ).toEqual({
      kind: 'loan_not_active',
      status: 'paid_off',
    });
    const beforeDue = '2027-06-10'; // nothing has fallen due yet
    const early = { ...input, date: '2027-06-12' };
    expect(newPromiseRefusal(ladderLoan(), unpaid(), early, beforeDue, rules, true)).toEqual({
      kind: 'nothing_past_due',
    });
    expect(newPromiseRefusal(ladderLoan(), unpaid(), early, beforeDue, rules, false)).toBeUndefined();
  });

  it('is accepted within the rules when something is past due, and refused outside them', () => {
    expect(FIRST_DUE < today).toBe(true);
    expect(newPromiseRefusal(ladderLoan(), unpaid(), input, today, rules, true)).toBeUndefined();
    expect(
      newPromiseRefusal(ladderLoan(), unpaid(), { ...input, date: '2027-07-11' }, today, rules, true),
    ).toEqual({
      kind: 'promise_date_too_far',
      latest: '2027-07-10',
    });
  });
});

describe('a wrong number', () => {
  it('stops SMS to the number marked, not to a new one', () => {
    const mark = { since: '2027-06-26T02:00:00.000Z', phoneHash: 'h-old' };
    expect(phoneMarkedWrong({ phoneHash: 'h-old', wrongNumber: mark })).toBe(true);
    expect(phoneMarkedWrong({ phoneHash: 'h-new', wrongNumber: mark })).toBe(false);
    expect(phoneMarkedWrong({ phoneHash: 'h-old' })).toBe(false);
  });
});
