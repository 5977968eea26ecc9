import type { Rules } from '#shared/config/rules.ts';
import { addDays, instantAt, minuteOfDay, toZoned } from '#shared/lending/calendar.ts';
import type { Consents } from '#shared/ports/records.ts';
import type { Channel } from './stages.ts';

/** The consents that decide whether a channel may be used at all. */
export type ChannelConsents = Pick<Consents, 'contactBySms' | 'contactByEmail'>;

/** Did the person consent to contact on this channel? Without consent a channel is never used. */
export function consentsTo(channel: Channel, consents: ChannelConsents): boolean {
  return channel === 'sms' ? consents.contactBySms : consents.contactByEmail;
}

/**
 * An agent found the borrower's phone number wrong (a `wrong_number` outcome): no SMS goes to that number.
 * The mark names the number by its hash, so a new number the borrower gives is reachable again.
 */
export function phoneMarkedWrong(borrower: {
  phoneHash?: string;
  wrongNumber?: { phoneHash: string };
}): boolean {
  return borrower.wrongNumber !== undefined && borrower.wrongNumber.phoneHash === borrower.phoneHash;
}

/** What the contact rules need to know about the borrower at the moment of contact. */
export interface ContactState {
  timezone: string;
  consents: ChannelConsents;
  optOut: readonly Channel[];
  /** Messages already sent (or reserved) on this channel in the borrower's local day of `now`. */
  sentTodayOnChannel: number;
  /** Per loan: contacts in the last 7 days (only counted for stages from `weeklyCapFromOffsetDays`). */
  sentLast7DaysByLoan: Readonly<Record<string, number>>;
}

export type SuppressionReason = 'no_consent' | 'opted_out' | 'daily_cap' | 'weekly_cap';

export type ContactDecision =
  | { status: 'send'; loanIds: string[]; suppressedLoanIds: string[] }
  | { status: 'deferred'; until: Date }
  | { status: 'suppressed'; reason: SuppressionReason };

/** Is `now` inside the contact window (08:00 ≤ local time < 21:00) in the borrower's zone? */
export function inContactWindow(now: Date, timezone: string, rules: Rules): boolean {
  const { minuteOfDay: m } = toZoned(now, timezone);
  return m >= minuteOfDay(rules.contact.windowStart) && m < minuteOfDay(rules.contact.windowEnd);
}

/** The next instant the window opens in the borrower's zone (today's opening if still ahead, else tomorrow's). */
export function nextWindowStart(now: Date, timezone: string, rules: Rules): Date {
  const zoned = toZoned(now, timezone);
  const start = minuteOfDay(rules.contact.windowStart);
  const date = zoned.minuteOfDay < start ? zoned.date : addDays(zoned.date, 1);
  return instantAt(date, start, timezone);
}

/**
 * The contact rules, checked before every contact: consent to the channel, opt-out (neither waits for the
 * window: such a contact is suppressed), the window (a contact outside it waits for the next window,
 * never dropped), the per-borrower daily cap per channel, and the per-loan rolling 7-day cap from D+4 on
 * (loans at that cap drop out of a consolidated message).
 */
export function decideContact(
  request: { channel: Channel; offsetDays: number; loanIds: readonly string[] },
  state: ContactState,
  now: Date,
  rules: Rules,
): ContactDecision {
  const c = rules.contact;
  if (!consentsTo(request.channel, state.consents)) return { status: 'suppressed', reason: 'no_consent' };
  if (state.optOut.includes(request.channel)) return { status: 'suppressed', reason: 'opted_out' };
  if (!inContactWindow(now, state.timezone, rules)) {
    return { status: 'deferred', until: nextWindowStart(now, state.timezone, rules) };
  }
  const dailyCap = request.channel === 'sms' ? c.maxSmsPerBorrowerPerDay : c.maxEmailsPerBorrowerPerDay;
  if (state.sentTodayOnChannel >= dailyCap) return { status: 'suppressed', reason: 'daily_cap' };
  const weekly = request.offsetDays >= c.weeklyCapFromOffsetDays;
  const overWeekly = weekly
    ? request.loanIds.filter((id) => (state.sentLast7DaysByLoan[id] ?? 0) >= c.maxContactsPerLoanPer7Days)
    : [];
  const loanIds = request.loanIds.filter((id) => !overWeekly.includes(id));
  if (loanIds.length === 0) return { status: 'suppressed', reason: 'weekly_cap' };
  return { status: 'send', loanIds, suppressedLoanIds: overWeekly };
}
