import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideRung,
  oldestPastDue,
  oldestUnpaidDueDate,
  openEpisode,
  type Rung,
  rungById,
  rungInstant,
  usableChannels,
} from '#shared/collection/ladder.ts';
import { loadRules } from '#shared/config/rules.ts';
import { addDays, instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import {
  at,
  episode,
  FIRST_DUE,
  firstPaidBut,
  grantedPlan,
  ladderLoan,
  rules,
  SECOND_DUE,
  unpaid,
} from './ladder-fixtures.ts';

const ladder = rules.collection.ladder;
const rung = (id: string): Rung => {
  const found = rungById(id, rules);
  if (!found) throw new Error(`no rung ${id}`);
  return found;
};

describe('openEpisode', () => {
  it('is the escalation while it has not ended', () => {
    const open = episode();
    expect(openEpisode({ status: 'active', escalation: open })).toBe(open);
  });

  it('is undefined without an escalation or once it ended', () => {
    expect(openEpisode({ status: 'active' })).toBeUndefined();
    expect(
      openEpisode({ status: 'active', escalation: episode({ endedAt: 'x', endReason: 'cured' }) }),
    ).toBeUndefined();
  });
});

describe('oldestPastDue and oldestUnpaidDueDate', () => {
  it('oldestPastDue is the first unpaid installment due strictly before today', () => {
    expect(oldestPastDue(unpaid(), FIRST_DUE)).toBeUndefined();
    expect(oldestPastDue(unpaid(), addDays(FIRST_DUE, 1))?.installmentNo).toBe(1);
  });

  it('oldestPastDue skips a paid installment', () => {
    const installments = firstPaidBut(0);
    expect(oldestPastDue(installments, addDays(SECOND_DUE, 1))?.installmentNo).toBe(2);
    expect(oldestPastDue(installments, SECOND_DUE)).toBeUndefined();
  });

  it('oldestUnpaidDueDate is the first unpaid due date, past or not, and undefined once all is paid', () => {
    expect(oldestUnpaidDueDate(unpaid())).toBe(FIRST_DUE);
    expect(oldestUnpaidDueDate(firstPaidBut(0))).toBe(SECOND_DUE);
    expect(oldestUnpaidDueDate(firstPaidBut(1))).toBe(FIRST_DUE);
    const allPaid = unpaid().map((i) => ({
      ...i,
      principalPaid: i.principalDue,
      interestPaid: i.interestDue,
    }));
    expect(oldestUnpaidDueDate(allPaid)).toBeUndefined();
  });
});

describe('rungInstant', () => {
  it('is the due date plus the rung offset at the sweep hour in lender time', () => {
    expect(rungInstant(rung('D+4'), FIRST_DUE, rules).toISOString()).toBe('2027-06-14T01:00:00.000Z');
    expect(rungInstant(rung('D+120'), FIRST_DUE, rules).toISOString()).toBe('2027-10-08T01:00:00.000Z');
  });

  it('follows the lender zone and the sweep hour of the rules', () => {
    const ny = loadRules({ timezone: 'America/New_York', contact: { sweepAt: '10:30' } });
    // 2027-06-14 10:30 EDT (UTC-4).
    expect(rungInstant(rung('D+4'), FIRST_DUE, ny).toISOString()).toBe('2027-06-14T14:30:00.000Z');
  });
});

describe('usableChannels', () => {
  it('is the rung channels less the unavailable ones, in the rung order', () => {
    expect(usableChannels(rung('D+7'), [])).toEqual(['sms', 'email']);
    expect(usableChannels(rung('D+7'), ['sms'])).toEqual(['email']);
    expect(usableChannels(rung('D+7'), ['sms', 'email'])).toEqual([]);
    expect(usableChannels(rung('D+15'), [])).toEqual([]);
  });
});

describe('decideRung: the episode is over', () => {
  const input = { episode: 1, rung: 'D+7' };
  const now = at('2027-06-17');

  it('ends when the loan has no episode', () => {
    expect(decideRung({ status: 'active' }, unpaid(), input, now, rules)).toEqual({
      kind: 'end',
      reason: 'episode_over',
    });
  });

  it('ends when the open episode is another one', () => {
    const loan = ladderLoan({ escalation: episode({ episode: 2 }) });
    expect(decideRung(loan, unpaid(), input, now, rules)).toEqual({ kind: 'end', reason: 'episode_over' });
  });

  it('ends when the episode has ended', () => {
    const loan = ladderLoan({
      escalation: episode({ endedAt: '2027-06-15T00:00:00.000Z', endReason: 'cured' }),
    });
    expect(decideRung(loan, unpaid(), input, now, rules)).toEqual({ kind: 'end', reason: 'episode_over' });
  });

  it('ends as paid_off for a paid-off loan', () => {
    const loan = ladderLoan({ status: 'paid_off' });
    expect(decideRung(loan, unpaid(), input, now, rules)).toEqual({ kind: 'end', reason: 'paid_off' });
  });

  it('ends as charged_off for a charged-off loan', () => {
    const loan = ladderLoan({ status: 'charged_off' });
    expect(decideRung(loan, unpaid(), input, now, rules)).toEqual({ kind: 'end', reason: 'charged_off' });
  });
});

describe('decideRung: hardship pause', () => {
  const input = { episode: 1, rung: 'D+7' };

  it('waits for the same rung until the day after the plan at the sweep hour, as pausedUntil', () => {
    const loan = ladderLoan({ hardshipPlans: [grantedPlan('2027-06-15', '2027-07-14')] });
    const decision = decideRung(loan, unpaid(), input, at('2027-06-17'), rules);
    expect(decision).toEqual({
      kind: 'wait',
      rung: 'D+7',
      at: at('2027-07-15'),
      pausedUntil: at('2027-07-15'),
    });
  });

  it('pauses on the last day of the plan too', () => {
    const loan = ladderLoan({ hardshipPlans: [grantedPlan('2027-06-15', '2027-06-17')] });
    const decision = decideRung(loan, unpaid(), input, at('2027-06-17', '20:00'), rules);
    expect(decision).toMatchObject({ kind: 'wait', at: at('2027-06-18'), pausedUntil: at('2027-06-18') });
  });

  it('does not pause once the plan is over', () => {
    const loan = ladderLoan({ hardshipPlans: [grantedPlan('2027-06-11', '2027-06-16')] });
    expect(decideRung(loan, unpaid(), input, at('2027-06-17'), rules).kind).toBe('act');
  });

  it('does not pause for a referred plan', () => {
    const loan = ladderLoan({
      hardshipPlans: [{ ...grantedPlan('2027-06-15', '2027-07-14'), status: 'referred' }],
    });
    expect(decideRung(loan, unpaid(), input, at('2027-06-17'), rules).kind).toBe('act');
  });
});

describe('decideRung: cured', () => {
  const input = { episode: 1, rung: 'D+7' };
  const now = at('2027-06-17');

  it('ends as cured when what is past due is within the 100-fen tolerance', () => {
    expect(decideRung(ladderLoan(), firstPaidBut(100), input, now, rules)).toEqual({
      kind: 'end',
      reason: 'cured',
    });
  });

  it('acts when one fen more than the tolerance is past due', () => {
    expect(decideRung(ladderLoan(), firstPaidBut(101), input, now, rules).kind).toBe('act');
  });

  it('ends as cured when nothing is past due', () => {
    expect(decideRung(ladderLoan(), firstPaidBut(0), input, now, rules)).toEqual({
      kind: 'end',
      reason: 'cured',
    });
  });

  it('throws for a rung the ladder does not have', () => {
    expect(() => decideRung(ladderLoan(), unpaid(), { episode: 1, rung: 'D+8' }, now, rules)).toThrow(
      /unknown rung D\+8/,
    );
  });
});

describe('decideRung: the rung day is still ahead', () => {
  it('waits for the rung at its instant when its day has not come', () => {
    const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: 'D+7' }, at('2027-06-15'), rules);
    expect(decision).toEqual({ kind: 'wait', rung: 'D+7', at: at('2027-06-17'), pausedUntil: null });
  });

  it('waits one minute before the rung instant and acts at it', () => {
    const input = { episode: 1, rung: 'D+7' };
    expect(decideRung(ladderLoan(), unpaid(), input, at('2027-06-17', '08:59'), rules).kind).toBe('wait');
    expect(decideRung(ladderLoan(), unpaid(), input, at('2027-06-17'), rules).kind).toBe('act');
  });

  it('waits for the new day when a deferral moved the due dates', () => {
    // Re-dated by 5 days: the first installment now falls due on 2027-06-15, so D+7 is 2027-06-22.
    const moved = unpaid().map((i) => ({ ...i, dueDate: addDays(i.dueDate, 5) }));
    const decision = decideRung(ladderLoan(), moved, { episode: 1, rung: 'D+7' }, at('2027-06-17'), rules);
    expect(decision).toEqual({ kind: 'wait', rung: 'D+7', at: at('2027-06-22'), pausedUntil: null });
  });
});

describe('decideRung: act', () => {
  it('acts with the rung, DPD, the oldest past-due installment and the next rung at its instant', () => {
    const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: 'D+4' }, at('2027-06-14'), rules);
    expect(decision).toMatchObject({
      kind: 'act',
      rung: { id: 'D+4' },
      dpd: 4,
      oldest: { installmentNo: 1, dueDate: FIRST_DUE },
      sendMessages: true,
      next: { rung: 'D+7', at: at('2027-06-17') },
    });
  });

  it('counts the rungs from the oldest past-due installment, not the first one', () => {
    const installments = firstPaidBut(0);
    const decision = decideRung(
      ladderLoan(),
      installments,
      { episode: 1, rung: 'D+7' },
      at('2027-07-17'),
      rules,
    );
    expect(decision).toMatchObject({
      kind: 'act',
      dpd: 7,
      oldest: { installmentNo: 2, dueDate: SECOND_DUE },
      next: { rung: 'D+15', at: at('2027-07-25') },
    });
  });

  it('sends messages when the next rung is still ahead', () => {
    const decision = decideRung(
      ladderLoan(),
      unpaid(),
      { episode: 1, rung: 'D+7' },
      at('2027-06-25', '08:59'),
      rules,
    );
    expect(decision).toMatchObject({
      kind: 'act',
      sendMessages: true,
      next: { rung: 'D+15', at: at('2027-06-25') },
    });
  });

  it('sends no messages when the next rung is already due, and names it for now', () => {
    const now = at('2027-06-25', '10:00');
    const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: 'D+7' }, now, rules);
    expect(decision).toMatchObject({ kind: 'act', sendMessages: false, next: { rung: 'D+15', at: now } });
  });

  it('sends no messages at the exact instant the next rung falls', () => {
    const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: 'D+7' }, at('2027-06-25'), rules);
    expect(decision).toMatchObject({ kind: 'act', sendMessages: false });
  });

  it('has no next after the last rung, and still sends (nothing comes after it)', () => {
    const decision = decideRung(
      ladderLoan(),
      unpaid(),
      { episode: 1, rung: 'D+120' },
      at('2027-10-08'),
      rules,
    );
    expect(decision).toMatchObject({
      kind: 'act',
      rung: { id: 'D+120' },
      dpd: 120,
      sendMessages: true,
      next: null,
    });
  });
});

describe('decideRung: properties', () => {
  const start = at('2027-06-05').getTime();
  const end = at('2027-11-30').getTime();
  const nowArb = fc.integer({ min: start, max: end }).map((ms) => new Date(ms));
  const rungArb = fc.constantFrom(...ladder.map((r) => r.id));

  it('never names a next instant before now, nor a wait instant before now', () => {
    fc.assert(
      fc.property(nowArb, rungArb, (now, id) => {
        const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: id }, now, rules);
        if (decision.kind === 'act' && decision.next) {
          expect(decision.next.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
        }
        if (decision.kind === 'wait') expect(decision.at.getTime()).toBeGreaterThan(now.getTime());
      }),
    );
  });

  it('never acts before the rung instant, and always acts (or cures) at or after it', () => {
    fc.assert(
      fc.property(nowArb, rungArb, (now, id) => {
        const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: id }, now, rules);
        const instant = rungInstant(rung(id), FIRST_DUE, rules).getTime();
        if (now.getTime() < instant) expect(decision.kind).not.toBe('act');
        else expect(decision.kind).toBe('act');
      }),
    );
  });

  it('acts with DPD from the oldest past-due due date, and with the rung that follows in the ladder', () => {
    fc.assert(
      fc.property(nowArb, rungArb, (now, id) => {
        const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: id }, now, rules);
        if (decision.kind !== 'act') return;
        const index = ladder.findIndex((r) => r.id === id);
        expect(decision.dpd).toBeGreaterThanOrEqual(decision.rung.offsetDays);
        expect(decision.next?.rung ?? null).toBe(ladder[index + 1]?.id ?? null);
      }),
    );
  });

  it('sends messages exactly when no next rung has fallen yet', () => {
    fc.assert(
      fc.property(nowArb, rungArb, (now, id) => {
        const decision = decideRung(ladderLoan(), unpaid(), { episode: 1, rung: id }, now, rules);
        if (decision.kind !== 'act') return;
        const index = ladder.findIndex((r) => r.id === id);
        const following = ladder[index + 1];
        const nextDue = following
          ? now.getTime() >=
            instantAt(
              addDays(FIRST_DUE, following.offsetDays),
              minuteOfDay('09:00'),
              rules.timezone,
            ).getTime()
          : false;
        expect(decision.sendMessages).toBe(!nextDue);
      }),
    );
  });
});
