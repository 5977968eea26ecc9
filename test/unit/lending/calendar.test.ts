import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatInstantInZone,
  formatLocalDate,
  instantAt,
  isValidLocalDate,
  isValidTimeZone,
  parseLocalDate,
  toZoned,
  wholeYearsBetween,
} from '#shared/lending/calendar.ts';

const at = (date: string, hhmm: string, zone: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return instantAt(date, h * 60 + m, zone).toISOString();
};

describe('instantAt', () => {
  it('finds the instant of a wall time on ordinary days, and either side of a DST change', () => {
    expect(at('2027-06-10', '09:00', 'Asia/Shanghai')).toBe('2027-06-10T01:00:00.000Z');
    expect(at('2027-03-13', '08:00', 'America/New_York')).toBe('2027-03-13T13:00:00.000Z'); // EST
    expect(at('2027-03-14', '08:00', 'America/New_York')).toBe('2027-03-14T12:00:00.000Z'); // EDT
    expect(at('2027-03-14', '01:59', 'America/New_York')).toBe('2027-03-14T06:59:00.000Z');
    expect(at('2027-03-14', '03:00', 'America/New_York')).toBe('2027-03-14T07:00:00.000Z');
    expect(at('2027-03-28', '00:30', 'Europe/London')).toBe('2027-03-28T00:30:00.000Z');
  });

  it('resolves a wall time skipped by spring-forward to the first instant after the gap', () => {
    // New York skips 02:00–02:59 on 2027-03-14 (07:00Z is 03:00 EDT); London 01:00–01:59 on 2027-03-28.
    for (const hhmm of ['02:00', '02:30', '02:59']) {
      expect(at('2027-03-14', hhmm, 'America/New_York')).toBe('2027-03-14T07:00:00.000Z');
    }
    expect(at('2027-03-28', '01:30', 'Europe/London')).toBe('2027-03-28T01:00:00.000Z');
    // Sydney skips 02:00–02:59 on 2027-10-03 (16:00Z the day before is 03:00 AEDT).
    expect(at('2027-10-03', '02:30', 'Australia/Sydney')).toBe('2027-10-02T16:00:00.000Z');
  });

  it('resolves a wall time on a day a zone skipped whole to the first instant after it', () => {
    // Samoa moved from UTC−10 to UTC+14 at the end of 2011-12-29: 2011-12-30 never happened there. The
    // instant a day earlier shows the same time of day, on the 29th.
    expect(at('2011-12-30', '10:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
  });

  it('resolves a wall time shown twice by fall-back to the earlier instant', () => {
    // New York shows 01:00–01:59 twice on 2027-11-07 (EDT, then EST); London on 2027-10-31 (BST, then GMT).
    expect(at('2027-11-07', '01:30', 'America/New_York')).toBe('2027-11-07T05:30:00.000Z');
    expect(at('2027-10-31', '01:30', 'Europe/London')).toBe('2027-10-31T00:30:00.000Z');
    expect(at('2027-04-04', '02:30', 'Australia/Sydney')).toBe('2027-04-03T15:30:00.000Z');
  });

  it('shows the wall time it was asked for, or the first one after a gap, for any date and zone', () => {
    const zones = [
      'Asia/Shanghai',
      'America/New_York',
      'Europe/London',
      'Australia/Sydney',
      'America/Santiago',
    ];
    // Any day, or the early hours of a day a clock changes (2027), where gaps and overlaps are.
    const changes: [string, string][] = [
      ['America/New_York', '2027-03-14'],
      ['America/New_York', '2027-11-07'],
      ['Europe/London', '2027-03-28'],
      ['Europe/London', '2027-10-31'],
      ['Australia/Sydney', '2027-04-04'],
      ['Australia/Sydney', '2027-10-03'],
      ['America/Santiago', '2027-04-04'],
      ['America/Santiago', '2027-04-03'],
      ['America/Santiago', '2027-09-05'],
    ];
    const anyDay = fc.record({
      date: fc.integer({ min: 0, max: 3 * 365 }).map((d) => addDays('2026-01-01', d)),
      minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      zone: fc.constantFrom(...zones),
    });
    const changeDay = fc.record({
      change: fc.constantFrom(...changes),
      minute: fc.oneof(fc.integer({ min: 0, max: 4 * 60 }), fc.integer({ min: 23 * 60, max: 24 * 60 - 1 })),
    });
    let inGap = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          anyDay,
          changeDay.map(({ change: [zone, date], minute }) => ({ zone, date, minute })),
        ),
        ({ date, minute, zone }) => {
          const instant = instantAt(date, minute, zone);
          const shown = toZoned(instant, zone);
          if (shown.date === date && shown.minuteOfDay === minute) {
            // And no earlier instant shows it (the earlier of an overlap).
            const hourBefore = toZoned(new Date(instant.getTime() - 3_600_000), zone);
            expect(hourBefore.date === date && hourBefore.minuteOfDay === minute).toBe(false);
          } else {
            inGap++;
            // A gap: the minute before the instant shows an earlier wall time than asked for, the instant a later one.
            const before = toZoned(new Date(instant.getTime() - 60_000), zone);
            expect(before.date === date ? before.minuteOfDay < minute : before.date < date).toBe(true);
            expect(shown.date === date ? shown.minuteOfDay > minute : shown.date > date).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(inGap).toBeGreaterThan(20);
  });
});

describe('wholeYearsBetween, the age behind the AGE gate', () => {
  it('counts a year on the birthday, not the day before', () => {
    expect(wholeYearsBetween('1993-07-12', '2011-07-11')).toBe(17);
    expect(wholeYearsBetween('1993-07-12', '2011-07-12')).toBe(18);
    expect(wholeYearsBetween('1993-07-12', '2059-07-11')).toBe(65);
    expect(wholeYearsBetween('1993-07-12', '2059-07-12')).toBe(66);
    expect(wholeYearsBetween('1993-07-12', '2011-06-30')).toBe(17);
    expect(wholeYearsBetween('1993-07-12', '2011-08-01')).toBe(18);
  });

  it('makes a 29 February birthday count on 1 March in other years', () => {
    expect(wholeYearsBetween('2000-02-29', '2018-02-28')).toBe(17);
    expect(wholeYearsBetween('2000-02-29', '2018-03-01')).toBe(18);
    expect(wholeYearsBetween('2000-02-29', '2016-02-29')).toBe(16);
  });
});

describe('calendar dates', () => {
  it('accepts the first and last day of each month, leap days only in leap years', () => {
    expect(parseLocalDate('2027-01-01')).toEqual({ year: 2027, month: 1, day: 1 });
    expect(parseLocalDate('2027-12-31')).toEqual({ year: 2027, month: 12, day: 31 });
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2027-04-30')).toBe(true);
  });

  it('refuses month 0 and 13, day 0, a day past the month end, and anything not YYYY-MM-DD', () => {
    for (const bad of [
      '2027-00-10',
      '2027-13-10',
      '2027-06-00',
      '2027-04-31',
      '2027-02-29',
      '2027-6-1',
      'x',
    ]) {
      expect(isValidLocalDate(bad), bad).toBe(false);
      expect(() => parseLocalDate(bad), bad).toThrow(new RangeError(`not a calendar date: ${bad}`));
    }
  });

  it('writes dates zero-padded to YYYY-MM-DD', () => {
    expect(formatLocalDate(987, 3, 4)).toBe('0987-03-04');
  });
});

describe('instants in a zone', () => {
  it('writes the zone offset with its sign, +00:00 for UTC', () => {
    const instant = new Date('2027-06-10T01:00:00Z');
    expect(formatInstantInZone(instant, 'Asia/Shanghai')).toBe('2027-06-10T09:00:00+08:00');
    expect(formatInstantInZone(instant, 'America/New_York')).toBe('2027-06-09T21:00:00-04:00');
    expect(formatInstantInZone(instant, 'UTC')).toBe('2027-06-10T01:00:00+00:00');
  });

  it('counts the seconds of an offset: Shanghai kept local mean time (+08:05:43) until 1901', () => {
    // 08:05:43 of offset rounds to 08:06; ignoring or subtracting the 43 seconds gives 08:05 or 08:04.
    expect(formatInstantInZone(new Date('1900-01-01T00:00:00Z'), 'Asia/Shanghai')).toBe(
      '1900-01-01T08:06:00+08:06',
    );
  });

  it('tells a zone name from a string that is not one', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Asia/Nowhere')).toBe(false);
  });
});
