import type { Rules } from '#shared/config/rules.ts';
import { isPaid } from '#shared/lending/allocation.ts';
import { daysBetween } from '#shared/lending/calendar.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { LoanExposure } from '#shared/lending/exposure.ts';
import type { InstallmentState, LocalDate } from '#shared/lending/types.ts';

/** The early-warning signals of the domain rules ("Portfolio risk and early warning"). */
export const EARLY_WARNING_CODES = [
  'OVERDUE_ELSEWHERE',
  'PARTIAL_PAYMENT',
  'LATE_IN_GRACE_TWICE',
  'PROMISE_BROKEN',
  'HARDSHIP_REQUESTED',
  'UNDELIVERABLE',
  'ALL_CHANNELS_OPTED_OUT',
] as const;
export type EarlyWarningCode = (typeof EARLY_WARNING_CODES)[number];

/**
 * One signal on one loan. `occurrence` names what raised it (an installment, a promise, a hardship plan),
 * so code + loan + occurrence is the signal's identity: the watchlist keeps it under that name and its
 * `EarlyWarningRaised` event id is a digest of it, so a retried write raises it once.
 */
export interface EarlyWarning {
  code: EarlyWarningCode;
  loanId: string;
  occurrence: string;
  raisedOn: LocalDate;
}

/** Signals are raised on loans still current or in grace: past grace, the ladder has the loan already. */
export function isCurrentOrInGrace(
  installments: readonly InstallmentState[],
  today: LocalDate,
  rules: Rules,
): boolean {
  return daysPastDue(installments, today, rules) <= rules.delinquency.graceDays;
}

type Installment = InstallmentState & { paidOn?: LocalDate };

/** An installment paid in full during its grace days: after its due date, within `graceDays`. */
const paidInGrace = (i: Installment | undefined, rules: Rules) =>
  i?.paidOn !== undefined &&
  i.paidOn > i.dueDate &&
  daysBetween(i.dueDate, i.paidOn) <= rules.delinquency.graceDays;

const occurrenceOf = (i: InstallmentState) => `installment-${i.installmentNo}-${i.dueDate}`;

/**
 * What a payment raises on a loan current or in grace when it is paid: `PARTIAL_PAYMENT` when it leaves an
 * installment already due part paid, and `LATE_IN_GRACE_TWICE` when it pays an installment in its grace
 * days right after one that was too. Each names the installment, so a second part payment of the same
 * installment is the same occurrence.
 */
export function paymentWarnings(
  loanId: string,
  before: readonly Installment[],
  after: readonly Installment[],
  paidOn: LocalDate,
  rules: Rules,
): EarlyWarning[] {
  if (!isCurrentOrInGrace(before, paidOn, rules)) return [];
  const warnings: EarlyWarning[] = [];
  after.forEach((inst, index) => {
    const was = before[index];
    if (!was || JSON.stringify(was) === JSON.stringify(inst)) return;
    const warn = (code: EarlyWarningCode) =>
      warnings.push({ code, loanId, occurrence: occurrenceOf(inst), raisedOn: paidOn });
    if (!isPaid(inst) && inst.dueDate <= paidOn) warn('PARTIAL_PAYMENT');
    if (!isPaid(was) && isPaid(inst) && paidInGrace(inst, rules) && paidInGrace(after[index - 1], rules))
      warn('LATE_IN_GRACE_TWICE');
  });
  return warnings;
}

/** The event that announces a signal: ids and the code, never personal data. */
export function earlyWarningRaised(
  warning: EarlyWarning,
  who: { partnerId: string; borrowerId: string },
  at: string,
) {
  return {
    type: 'EarlyWarningRaised' as const,
    at,
    detail: {
      loanId: warning.loanId,
      partnerId: who.partnerId,
      borrowerId: who.borrowerId,
      code: warning.code,
      occurrence: warning.occurrence,
      raisedOn: warning.raisedOn,
    },
  };
}

/**
 * The watchlist clears a loan once it has been current (nothing past due) for `clearAfterCurrentDays`:
 * `currentSince` is the first day of the current run the daily pass saw (reset by a new signal).
 */
export function watchAfterDay(
  entry: { currentSince?: LocalDate },
  current: boolean,
  today: LocalDate,
  rules: Rules,
):
  | { action: 'keep' }
  | { action: 'mark_current'; since: LocalDate }
  | { action: 'reset' }
  | { action: 'clear' } {
  if (!current) return entry.currentSince ? { action: 'reset' } : { action: 'keep' };
  if (!entry.currentSince) return { action: 'mark_current', since: today };
  return daysBetween(entry.currentSince, today) >= rules.earlyWarning.clearAfterCurrentDays
    ? { action: 'clear' }
    : { action: 'keep' };
}

/** A hardship request on a loan current or in grace (granted or referred alike): the plan is the occurrence. */
export function hardshipWarning(
  loanId: string,
  planId: string,
  installments: readonly InstallmentState[],
  today: LocalDate,
  rules: Rules,
): EarlyWarning[] {
  if (!isCurrentOrInGrace(installments, today, rules)) return [];
  return [{ code: 'HARDSHIP_REQUESTED', loanId, occurrence: planId, raisedOn: today }];
}

/** A loan that fell past due lately (its oldest unpaid installment due `since`), and whose it is. */
export interface NewlyPastDue {
  loanId: string;
  partnerId: string;
  identityHash: string;
  since: LocalDate;
}

/** The person's other loans at other partners (from their identity item): where `OVERDUE_ELSEWHERE` may be raised. */
export function loansAtOtherPartners(
  pastDue: NewlyPastDue,
  loans: Readonly<Record<string, LoanExposure>>,
): string[] {
  return Object.entries(loans)
    .filter(([loanId, exposure]) => loanId !== pastDue.loanId && exposure.partnerId !== pastDue.partnerId)
    .map(([loanId]) => loanId)
    .sort();
}

/**
 * `OVERDUE_ELSEWHERE` on a loan still current or in grace whose borrower fell past due at another
 * partner: once per spell of that other loan (its id and the due date it fell past due on).
 */
export function overdueElsewhereWarning(
  loanId: string,
  pastDue: NewlyPastDue,
  installments: readonly InstallmentState[],
  today: LocalDate,
  rules: Rules,
): EarlyWarning[] {
  if (!isCurrentOrInGrace(installments, today, rules)) return [];
  return [
    { code: 'OVERDUE_ELSEWHERE', loanId, occurrence: `${pastDue.loanId}-${pastDue.since}`, raisedOn: today },
  ];
}

/**
 * Every channel the person has is opted out: SMS, and email when they gave one. `ALL_CHANNELS_OPTED_OUT`
 * then goes on each of their loans at that partner still current or in grace, once per opt-out: the
 * occurrence is the day the preferences last changed, so a redelivered or repeated STOP raises nothing more.
 */
export function allChannelsOptedOut(borrower: { optOut: readonly string[]; hasEmail: boolean }): boolean {
  return borrower.optOut.includes('sms') && (!borrower.hasEmail || borrower.optOut.includes('email'));
}

export function allChannelsOptedOutWarning(
  loanId: string,
  installments: readonly InstallmentState[],
  today: LocalDate,
  optedOutOn: LocalDate,
  rules: Rules,
): EarlyWarning[] {
  if (!isCurrentOrInGrace(installments, today, rules)) return [];
  return [{ code: 'ALL_CHANNELS_OPTED_OUT', loanId, occurrence: `opted-out-${optedOutOn}`, raisedOn: today }];
}

/**
 * The carrier refused the borrower's phone number for good (not a transient failure): `UNDELIVERABLE` on
 * the loan the message was for, while current or in grace. The number is marked wrong at the same time, so
 * no SMS goes to it again and the occurrence (the day of the refusal) is not repeated for that number.
 */
export function undeliverableWarning(
  loanId: string,
  installments: readonly InstallmentState[],
  today: LocalDate,
  rules: Rules,
): EarlyWarning[] {
  if (!isCurrentOrInGrace(installments, today, rules)) return [];
  return [{ code: 'UNDELIVERABLE', loanId, occurrence: `sms-refused-${today}`, raisedOn: today }];
}
