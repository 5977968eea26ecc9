import { addDays, instantAt, parseLocalDate, toZoned } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';

/**
 * Complaints (domain rules, "Collection desk"): any inbound message that is not an opt-out keyword is one,
 * answered by a person within a number of business days. Pure: the inbound handler and the desk call these.
 */

const isWeekend = (date: LocalDate): boolean => {
  const { year, month, day } = parseLocalDate(date);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 || weekday === 6;
};

/** The business day `days` business days after `date` (Monday to Friday; public holidays are not modelled). */
export function addBusinessDays(date: LocalDate, days: number): LocalDate {
  let d = date;
  for (let left = days; left > 0; ) {
    d = addDays(d, 1);
    if (!isWeekend(d)) left -= 1;
  }
  return d;
}

/**
 * When a complaint received at `receivedAt` must be answered: the same local time of day, `businessDays`
 * business days later. A message that arrives on a weekend counts from the next business day's start.
 */
export function complaintAnswerDueAt(receivedAt: string, timeZone: string, businessDays: number): Date {
  const { date: received, minuteOfDay } = toZoned(receivedAt, timeZone);
  if (isWeekend(received)) {
    const firstBusinessDay = addBusinessDays(received, 1);
    return instantAt(addBusinessDays(firstBusinessDay, businessDays), 0, timeZone);
  }
  return instantAt(addBusinessDays(received, businessDays), minuteOfDay, timeZone);
}

/** Overdue: still open past the instant it had to be answered by. */
export function isComplaintOverdue(
  complaint: { status: 'open' | 'closed'; receivedAt: string },
  now: Date,
  timeZone: string,
  businessDays: number,
): boolean {
  return (
    complaint.status === 'open' &&
    now.getTime() > complaintAnswerDueAt(complaint.receivedAt, timeZone, businessDays).getTime()
  );
}
