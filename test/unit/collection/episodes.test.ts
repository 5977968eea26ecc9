import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideEpisodeStart, episodeExecutionName } from '#shared/collection/episodes.ts';
import type { LadderLoan } from '#shared/collection/ladder.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { at, episode, FIRST_DUE, firstPaidBut, rules, SECOND_DUE, unpaid } from './ladder-fixtures.ts';

const loan = (over: Partial<LadderLoan> = {}): LadderLoan & { loanId: string } => ({
  loanId: 'L1',
  status: 'active',
  ...over,
});

describe('episodeExecutionName', () => {
  it('is the loan id and the episode number, one name per episode', () => {
    expect(episodeExecutionName('L1', 1)).toBe('L1-e1');
    expect(episodeExecutionName('L1', 2)).not.toBe(episodeExecutionName('L1', 1));
  });
});

describe('decideEpisodeStart: nothing to start', () => {
  it('starts nothing within grace (DPD 3)', () => {
    expect(decideEpisodeStart(loan(), unpaid(), at('2027-06-13'), rules)).toBeUndefined();
  });

  it('starts nothing on the due date or before', () => {
    expect(decideEpisodeStart(loan(), unpaid(), at(FIRST_DUE), rules)).toBeUndefined();
  });

  it('starts nothing when the past-due amount is within the tolerance', () => {
    expect(decideEpisodeStart(loan(), firstPaidBut(100), at('2027-06-20'), rules)).toBeUndefined();
  });

  it('starts nothing for a paid-off or charged-off loan, whatever the DPD', () => {
    expect(
      decideEpisodeStart(loan({ status: 'paid_off' }), unpaid(), at('2027-06-20'), rules),
    ).toBeUndefined();
    expect(
      decideEpisodeStart(loan({ status: 'charged_off' }), unpaid(), at('2027-06-20'), rules),
    ).toBeUndefined();
  });

  it('starts nothing when the open episode was started', () => {
    const started = loan({ escalation: episode({ executionStartedAt: '2027-06-14T01:00:00.000Z' }) });
    expect(decideEpisodeStart(started, unpaid(), at('2027-06-20'), rules)).toBeUndefined();
  });
});

describe('decideEpisodeStart: a new episode', () => {
  it('opens episode 1 the first day past grace (DPD 4), from now, at the first rung', () => {
    const now = at('2027-06-14', '00:30');
    const start = decideEpisodeStart(loan(), unpaid(), now, rules);
    expect(start).toEqual({
      escalation: { episode: 1, rung: null, since: now.toISOString(), pausedUntil: null },
      opens: true,
      name: 'L1-e1',
      input: { next: 'D+4', nextAt: at('2027-06-14').toISOString() },
    });
  });

  it('opens episode n+1 after an ended one', () => {
    const ended = loan({
      escalation: episode({ episode: 2, endedAt: '2027-06-01T00:00:00.000Z', endReason: 'cured' }),
    });
    const start = decideEpisodeStart(ended, unpaid(), at('2027-06-15'), rules);
    expect(start).toMatchObject({ escalation: { episode: 3, rung: null }, opens: true, name: 'L1-e3' });
  });

  it('the new episode carries no mark of a started execution', () => {
    const start = decideEpisodeStart(loan(), unpaid(), at('2027-06-15'), rules);
    expect(start?.escalation.executionStartedAt).toBeUndefined();
  });

  it('falls the first rung on the oldest past-due installment', () => {
    const start = decideEpisodeStart(loan(), firstPaidBut(0), at('2027-07-14', '08:00'), rules);
    expect(start?.input).toEqual({ next: 'D+4', nextAt: at(addDays(SECOND_DUE, 4)).toISOString() });
  });

  it('never falls the first rung in the past: a late start is now', () => {
    const now = at('2027-06-20', '15:00');
    const start = decideEpisodeStart(loan(), unpaid(), now, rules);
    expect(start?.input.nextAt).toBe(now.toISOString());
  });
});

describe('decideEpisodeStart: an open episode never started', () => {
  it('is started again with the same episode and the same name, and not opened again', () => {
    const crashed = episode({ episode: 2, since: '2027-06-14T01:00:00.000Z' });
    delete crashed.executionStartedAt;
    const start = decideEpisodeStart(loan({ escalation: crashed }), unpaid(), at('2027-06-16'), rules);
    expect(start).toEqual({
      escalation: crashed,
      opens: false,
      name: 'L1-e2',
      input: { next: 'D+4', nextAt: at('2027-06-16').toISOString() },
    });
  });
});

describe('decideEpisodeStart: properties', () => {
  it('opens exactly past grace, and never names a first instant before now', () => {
    const from = at('2027-06-01').getTime();
    const to = at('2027-09-30').getTime();
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (ms) => {
        const now = new Date(ms);
        const start = decideEpisodeStart(loan(), unpaid(), now, rules);
        const pastGrace = now.getTime() >= at(addDays(FIRST_DUE, 4), '00:00').getTime();
        expect(start !== undefined).toBe(pastGrace);
        if (start) expect(new Date(start.input.nextAt).getTime()).toBeGreaterThanOrEqual(now.getTime());
      }),
    );
  });
});
