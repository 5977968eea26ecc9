import { defaultRules, type Rules } from '#shared/config/rules.ts';
import { minuteOfDay, toZoned } from '#shared/lending/calendar.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';

/**
 * The collection rules every simulation must keep, checked from `contacts.jsonl` alone, one violation
 * per line of the answer (empty: compliant). Messages are counted by the carrier's `messageId` (one
 * message may cover several loans), never by instants; each instant is read in the borrower's own zone
 * with its daylight-saving rules, not from the offset the line was written with.
 */
export function checkCompliance(
  lines: readonly ContactLine[],
  portfolio: Portfolio,
  rules: Rules = defaultRules,
): string[] {
  const c = rules.contact;
  const violations: string[] = [];
  const borrowers = new Map(portfolio.borrowers.map((b) => [b.borrowerId, b]));
  const zoneOf = (borrowerId: string) =>
    borrowers.get(borrowerId)?.timezone ?? portfolio.timezone ?? rules.timezone;
  const sent = lines.filter((l) => l.status === 'sent');

  const messages = new Map<string, ContactLine>();
  for (const l of sent) {
    if (l.channel === 'sms' || l.channel === 'email') {
      if (!l.messageId)
        violations.push(`sent ${l.channel} without a messageId: ${l.loanId} ${l.stage} ${l.at}`);
      else messages.set(`${l.channel}|${l.messageId}`, l);
    }
  }

  const perDay = new Map<string, number>();
  for (const [key, l] of messages) {
    const local = toZoned(l.at, zoneOf(l.borrowerId));
    const minute = local.minuteOfDay;
    if (minute < minuteOfDay(c.windowStart) || minute >= minuteOfDay(c.windowEnd))
      violations.push(`${key} at minute ${minute} of ${local.date} local, outside the window`);
    const day = `${l.borrowerId}|${local.date}|${l.channel}`;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    const person = borrowers.get(l.borrowerId);
    if (person?.optOut?.includes(l.channel as 'sms' | 'email'))
      violations.push(`${key} to an opted-out channel`);
    const consents = person?.consents;
    if (consents && !(l.channel === 'sms' ? consents.contactBySms : consents.contactByEmail))
      violations.push(`${key} on a channel without consent`);
  }
  for (const [day, n] of perDay) {
    const cap = day.endsWith('|sms') ? c.maxSmsPerBorrowerPerDay : c.maxEmailsPerBorrowerPerDay;
    if (n > cap) violations.push(`${day}: ${n} messages, over the daily cap of ${cap}`);
  }

  // Per loan, any 7 days: messages that named it (distinct message ids).
  const byLoan = new Map<string, number[]>();
  for (const l of sent.filter((x) => x.messageId)) {
    const at = Date.parse(l.at);
    byLoan.set(l.loanId, [...(byLoan.get(l.loanId) ?? []), at]);
  }
  for (const [loanId, instants] of byLoan) {
    const sorted = [...new Set(instants)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      const inWeek = sorted.filter(
        (t) => t >= (sorted[i] as number) && t < (sorted[i] as number) + 7 * 86_400_000,
      );
      if (inWeek.length > c.maxContactsPerLoanPer7Days)
        violations.push(
          `${loanId}: ${inWeek.length} contacts within 7 days, over ${c.maxContactsPerLoanPer7Days}`,
        );
    }
  }

  const tasks = new Map<string, number>();
  for (const l of sent.filter((x) => x.channel === 'agent')) {
    const day = `${l.borrowerId}|${toZoned(l.at, zoneOf(l.borrowerId)).date}`;
    tasks.set(day, (tasks.get(day) ?? 0) + 1);
  }
  for (const [day, n] of tasks)
    if (n > c.maxAgentTasksPerBorrowerPerDay) violations.push(`${day}: ${n} agent tasks, over the cap`);
  return violations;
}
