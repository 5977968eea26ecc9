import type { LocalDate } from './types.ts';

/**
 * Calendar dates as `YYYY-MM-DD` strings and instants as UTC ISO strings.
 * Date arithmetic runs on UTC midnights so no host time zone leaks in.
 */

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a calendar date: ${date}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return { year, month, day };
}

export function isValidLocalDate(date: string): boolean {
  try {
    parseLocalDate(date);
    return true;
  } catch {
    return false;
  }
}

export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toEpochDay(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromEpochDay(epochDay: number): LocalDate {
  const d = new Date(epochDay * DAY_MS);
  return formatLocalDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/**
 * The date `months` after `date`, keeping its day of month; where the target month is
 * shorter it falls on that month's last day (31 Jan + 1 month → 28/29 Feb).
 */
export function addMonthsClamped(date: LocalDate, months: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatLocalDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Whole years between two dates (an age). */
export function wholeYearsBetween(from: LocalDate, to: LocalDate): number {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  let years = b.year - a.year;
  if (b.month < a.month || (b.month === a.month && b.day < a.day)) years -= 1;
  return years;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

export interface ZonedDateTime {
  date: LocalDate;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

/** The wall-clock date and time of an instant in a time zone. */
export function toZoned(instant: Date | string, timeZone: string): ZonedDateTime {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const date = formatLocalDate(parts.year ?? 0, parts.month ?? 1, parts.day ?? 1);
  return { date, minuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0) };
}

/** The calendar date of an instant in a time zone. */
export function localDateOf(instant: Date | string, timeZone: string): LocalDate {
  return toZoned(instant, timeZone).date;
}

function offsetMinutes(at: Date, timeZone: string): number {
  const z = toZoned(at, timeZone);
  const seconds = Number(
    partsFormatter(timeZone)
      .formatToParts(at)
      .find((p) => p.type === 'second')?.value ?? 0,
  );
  const wallMs = toEpochDay(z.date) * DAY_MS + z.minuteOfDay * 60_000 + seconds * 1000;
  return Math.round((wallMs - at.getTime()) / 60_000);
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` at `minuteOfDay`.
 * A wall time shown twice (a DST overlap) resolves to the earlier instant; a wall time skipped by a
 * DST change (a gap) resolves to the first instant after the gap.
 */
export function instantAt(date: LocalDate, minuteOfDay: number, timeZone: string): Date {
  const wallMs = toEpochDay(date) * DAY_MS + minuteOfDay * 60_000;
  // The zone's offsets a day either side of the wall time: one offset unless a change falls between.
  const offsets = new Set([
    offsetMinutes(new Date(wallMs - DAY_MS), timeZone),
    offsetMinutes(new Date(wallMs + DAY_MS), timeZone),
  ]);
  const candidates = [...offsets].map((offset) => wallMs - offset * 60_000).sort((a, b) => a - b);
  const shows = (ms: number) => {
    const zoned = toZoned(new Date(ms), timeZone);
    return zoned.date === date && zoned.minuteOfDay === minuteOfDay;
  };
  const shown = candidates.find(shows);
  if (shown !== undefined) return new Date(shown);
  // In a gap: the earlier candidate falls before the change, the later one after it. The change itself,
  // to the minute, is the first instant after the gap.
  const later = offsetMinutes(new Date(wallMs + DAY_MS), timeZone);
  let lo = candidates[0] as number;
  let hi = candidates[candidates.length - 1] as number;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offsetMinutes(new Date(mid), timeZone) === later) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** `HH:MM` to minutes since midnight. */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** An instant as ISO 8601 with the zone's offset, e.g. `2027-06-10T09:00:00+08:00`. */
export function formatInstantInZone(instant: Date, timeZone: string): string {
  const off = offsetMinutes(instant, timeZone);
  const local = new Date(instant.getTime() + off * 60_000).toISOString().slice(0, 19);
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
