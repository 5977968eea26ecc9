import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import {
  type ContactState,
  decideContact,
  inContactWindow,
  nextWindowStart,
} from '#shared/contact/policy.ts';
import type { Channel } from '#shared/contact/stages.ts';
import { toZoned } from '#shared/lending/calendar.ts';

const rules = defaultRules;
const zones = ['Asia/Shanghai', 'America/New_York', 'America/Los_Angeles', 'Europe/London'];
const localMinute = (at: Date, tz: string) => toZoned(at, tz).minuteOfDay;

describe('contact window', () => {
  it('opens at 08:00 and closes at 21:00 local time', () => {
    expect(inContactWindow(new Date('2027-06-10T00:00:00Z'), 'Asia/Shanghai', rules)).toBe(true); // 08:00
    expect(inContactWindow(new Date('2027-06-09T23:59:00Z'), 'Asia/Shanghai', rules)).toBe(false); // 07:59
    expect(inContactWindow(new Date('2027-06-10T12:59:00Z'), 'Asia/Shanghai', rules)).toBe(true); // 20:59
    expect(inContactWindow(new Date('2027-06-10T13:00:00Z'), 'Asia/Shanghai', rules)).toBe(false); // 21:00
  });

  it('finds the next opening in New York across the March DST change', () => {
    // 2027-03-13 22:00 EST (UTC-5) → the window opens 2027-03-14 08:00 EDT (UTC-4) = 12:00Z.
    expect(nextWindowStart(new Date('2027-03-14T03:00:00Z'), 'America/New_York', rules).toISOString()).toBe(
      '2027-03-14T12:00:00.000Z',
    );
    // 2027-03-14 06:30 EDT → same day 08:00 EDT.
    expect(nextWindowStart(new Date('2027-03-14T10:30:00Z'), 'America/New_York', rules).toISOString()).toBe(
      '2027-03-14T12:00:00.000Z',
    );
    // The Shanghai 09:00 sweep is 20:00 EST on 2027-03-12 but 21:00 EDT on 2027-03-14: deferred then.
    expect(inContactWindow(new Date('2027-03-13T01:00:00Z'), 'America/New_York', rules)).toBe(true);
    expect(inContactWindow(new Date('2027-03-15T01:00:00Z'), 'America/New_York', rules)).toBe(false);
  });
});

describe('consent to a channel', () => {
  const state = (consents: ContactState['consents'], over: Partial<ContactState> = {}): ContactState => ({
    timezone: 'Asia/Shanghai',
    consents,
    optOut: [],
    sentTodayOnChannel: 0,
    sentLast7DaysByLoan: {},
    ...over,
  });
  const request = (channel: Channel) => ({ channel, offsetDays: 0, loanIds: ['L1'] });
  /** 10:00 in Shanghai: inside the window. */
  const inWindow = new Date('2027-06-10T02:00:00Z');

  it('suppresses sms without consent to sms with no_consent, and sends email with consent to email', () => {
    const consents = { contactBySms: false, contactByEmail: true };
    expect(decideContact(request('sms'), state(consents), inWindow, rules)).toEqual({
      status: 'suppressed',
      reason: 'no_consent',
    });
    expect(decideContact(request('email'), state(consents), inWindow, rules).status).toBe('send');
  });

  it('suppresses email without consent to email with no_consent, and sends sms with consent to sms', () => {
    const consents = { contactBySms: true, contactByEmail: false };
    expect(decideContact(request('email'), state(consents), inWindow, rules)).toEqual({
      status: 'suppressed',
      reason: 'no_consent',
    });
    expect(decideContact(request('sms'), state(consents), inWindow, rules).status).toBe('send');
  });

  it('names no_consent before an opt-out, and suppresses rather than defers outside the window', () => {
    const none = { contactBySms: false, contactByEmail: false };
    expect(decideContact(request('sms'), state(none, { optOut: ['sms'] }), inWindow, rules)).toEqual({
      status: 'suppressed',
      reason: 'no_consent',
    });
    // 22:00 in Shanghai: the window is closed, yet nothing waits for it.
    const late = new Date('2027-06-10T14:00:00Z');
    expect(decideContact(request('email'), state(none), late, rules)).toEqual({
      status: 'suppressed',
      reason: 'no_consent',
    });
  });
});

describe('decideContact, case by case', () => {
  const noon = new Date('2027-06-10T04:00:00Z'); // 12:00 in Shanghai
  const state = (over: Partial<ContactState> = {}): ContactState => ({
    timezone: 'Asia/Shanghai',
    consents: { contactBySms: true, contactByEmail: true },
    optOut: [],
    sentTodayOnChannel: 0,
    sentLast7DaysByLoan: {},
    ...over,
  });

  it('looks for tomorrow’s opening at the opening minute itself, and today’s before it', () => {
    expect(nextWindowStart(new Date('2027-06-10T00:00:30Z'), 'Asia/Shanghai', rules).toISOString()).toBe(
      '2027-06-11T00:00:00.000Z',
    );
    expect(nextWindowStart(new Date('2027-06-09T23:59:00Z'), 'Asia/Shanghai', rules).toISOString()).toBe(
      '2027-06-10T00:00:00.000Z',
    );
  });

  it('holds each channel to its own daily cap', () => {
    const own = loadRules({ contact: { maxSmsPerBorrowerPerDay: 1, maxEmailsPerBorrowerPerDay: 3 } });
    const ask = (channel: Channel, sentTodayOnChannel: number) =>
      decideContact({ channel, offsetDays: 0, loanIds: ['L1'] }, state({ sentTodayOnChannel }), noon, own)
        .status;
    expect([ask('sms', 0), ask('sms', 1)]).toEqual(['send', 'suppressed']);
    expect([ask('email', 1), ask('email', 2), ask('email', 3)]).toEqual(['send', 'send', 'suppressed']);
  });

  it('applies the 7-day cap from D+4 only, dropping just the loans at it from a consolidated message', () => {
    const busy = state({ sentLast7DaysByLoan: { L1: 7, L2: 6 } });
    expect(
      decideContact({ channel: 'sms', offsetDays: 3, loanIds: ['L1', 'L2'] }, busy, noon, rules),
    ).toEqual({
      status: 'send',
      loanIds: ['L1', 'L2'],
      suppressedLoanIds: [],
    });
    expect(
      decideContact({ channel: 'sms', offsetDays: 4, loanIds: ['L1', 'L2'] }, busy, noon, rules),
    ).toEqual({
      status: 'send',
      loanIds: ['L2'],
      suppressedLoanIds: ['L1'],
    });
    expect(decideContact({ channel: 'sms', offsetDays: 7, loanIds: ['L1'] }, busy, noon, rules)).toEqual({
      status: 'suppressed',
      reason: 'weekly_cap',
    });
  });
});

interface Attempt {
  at: Date;
  tz: string;
  channel: Channel;
  optOut: Channel[];
  consented: Channel[];
  loanId: string;
  offsetDays: number;
}

/** A sender loop over the pure policy: deferred contacts come back at their `until`; counts per local day. */
function run(attempts: Attempt[]) {
  const queue = attempts.map((a) => ({ ...a })).sort((x, y) => x.at.getTime() - y.at.getTime());
  const sent: Attempt[] = [];
  const suppressed: string[] = [];
  const perDay = new Map<string, number>();
  const perLoan = new Map<string, Date[]>();
  let guard = 0;
  while (queue.length > 0 && guard++ < 10_000) {
    const a = queue.shift() as Attempt;
    const dayKey = `${a.tz}|${toZoned(a.at, a.tz).date}|${a.channel}`;
    const recent = (perLoan.get(a.loanId) ?? []).filter((t) => a.at.getTime() - t.getTime() < 7 * 86_400_000);
    const state: ContactState = {
      timezone: a.tz,
      consents: { contactBySms: a.consented.includes('sms'), contactByEmail: a.consented.includes('email') },
      optOut: a.optOut,
      sentTodayOnChannel: perDay.get(dayKey) ?? 0,
      sentLast7DaysByLoan: { [a.loanId]: recent.length },
    };
    const d = decideContact(
      { channel: a.channel, offsetDays: a.offsetDays, loanIds: [a.loanId] },
      state,
      a.at,
      rules,
    );
    if (d.status === 'send') {
      sent.push(a);
      perDay.set(dayKey, (perDay.get(dayKey) ?? 0) + 1);
      if (a.offsetDays >= rules.contact.weeklyCapFromOffsetDays) perLoan.set(a.loanId, [...recent, a.at]);
    } else if (d.status === 'deferred') {
      expect(d.until.getTime()).toBeGreaterThan(a.at.getTime());
      expect(d.until.getTime() - a.at.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
      queue.push({ ...a, at: d.until });
      queue.sort((x, y) => x.at.getTime() - y.at.getTime());
    } else {
      suppressed.push(d.reason);
    }
  }
  return { sent, suppressed, perDay, leftover: queue.length };
}

const attempt: fc.Arbitrary<Attempt> = fc.record({
  // Around the US and EU DST changes of March 2027, and ordinary days.
  at: fc
    .integer({ min: Date.parse('2027-03-10T00:00:00Z'), max: Date.parse('2027-04-02T00:00:00Z') })
    .map((ms) => new Date(ms)),
  tz: fc.constantFrom(...zones),
  channel: fc.constantFrom<Channel>('sms', 'email'),
  optOut: fc.subarray<Channel>(['sms', 'email']),
  consented: fc.subarray<Channel>(['sms', 'email']),
  loanId: fc.constantFrom('L1', 'L2', 'L3'),
  offsetDays: fc.constantFrom(-3, -1, 0, 1, 3, 7, 15, 30),
});

/**
 * One borrower pressed hard: many contacts on one or two loans within a few days (across the New York
 * and London DST changes), mostly from D+4 on. This is where the daily and the 7-day caps are reached.
 */
const burst: fc.Arbitrary<Attempt[]> = fc
  .record({
    tz: fc.constantFrom(...zones),
    start: fc.constantFrom(Date.parse('2027-03-12T00:00:00Z'), Date.parse('2027-03-26T00:00:00Z')),
    days: fc.integer({ min: 2, max: 9 }),
  })
  .chain(({ tz, start, days }) =>
    fc.array(
      fc.record({
        at: fc.integer({ min: start, max: start + days * 86_400_000 }).map((ms) => new Date(ms)),
        tz: fc.constant(tz),
        channel: fc.constantFrom<Channel>('sms', 'email'),
        optOut: fc.constant<Channel[]>([]),
        consented: fc.constant<Channel[]>(['sms', 'email']),
        loanId: fc.constantFrom('L1', 'L1', 'L1', 'L2'),
        offsetDays: fc.constantFrom(0, 4, 7, 15, 30),
      }),
      { minLength: 20, maxLength: 80 },
    ),
  );

describe('contact policy, for any contacts and clock', () => {
  it('sends only inside 08:00–21:00 local, never over a cap, never on an opted-out channel, and drops no deferral', () => {
    const reached = { dailyCap: 0, weeklyCap: 0, runs: 0 };
    fc.assert(
      fc.property(fc.oneof(fc.array(attempt, { maxLength: 60 }), burst), (attempts) => {
        const { sent, suppressed, perDay, leftover } = run(attempts);
        reached.runs++;
        expect(leftover).toBe(0);
        for (const s of sent) {
          const m = localMinute(s.at, s.tz);
          expect(m).toBeGreaterThanOrEqual(8 * 60);
          expect(m).toBeLessThan(21 * 60);
          expect(s.optOut).not.toContain(s.channel);
          expect(s.consented).toContain(s.channel);
        }
        for (const [key, count] of perDay) {
          const cap = key.endsWith('|sms')
            ? rules.contact.maxSmsPerBorrowerPerDay
            : rules.contact.maxEmailsPerBorrowerPerDay;
          expect(count).toBeLessThanOrEqual(cap);
        }
        let weeklyFull = false;
        const byLoan = new Map<string, Date[]>();
        for (const s of sent.filter((x) => x.offsetDays >= rules.contact.weeklyCapFromOffsetDays)) {
          const times = [...(byLoan.get(s.loanId) ?? []), s.at];
          const inWeek = times.filter((t) => s.at.getTime() - t.getTime() < 7 * 86_400_000);
          expect(inWeek.length).toBeLessThanOrEqual(rules.contact.maxContactsPerLoanPer7Days);
          if (inWeek.length === rules.contact.maxContactsPerLoanPer7Days) weeklyFull = true;
          byLoan.set(s.loanId, times);
        }
        // A cap counts as reached when the run filled it and then turned a contact away for it.
        if (suppressed.includes('daily_cap')) reached.dailyCap++;
        if (weeklyFull && suppressed.includes('weekly_cap')) reached.weeklyCap++;
      }),
      { numRuns: 400 },
    );
    // The generators reach what the property is about: both caps filled and enforced in many runs.
    expect(reached.dailyCap / reached.runs).toBeGreaterThan(0.25);
    expect(reached.weeklyCap / reached.runs).toBeGreaterThan(0.2);
  });

  it('sends a deferred contact at the opening of the next window', () => {
    fc.assert(
      fc.property(attempt, (a) => {
        const { sent } = run([{ ...a, optOut: [], consented: ['sms', 'email'] }]);
        expect(sent).toHaveLength(1);
        const first = sent[0] as Attempt;
        if (first.at.getTime() !== a.at.getTime()) expect(localMinute(first.at, a.tz)).toBe(8 * 60);
      }),
    );
  });
});
