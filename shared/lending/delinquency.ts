import type { Rules } from '#shared/config/rules.ts';
import { outstanding } from './allocation.ts';
import { daysBetween } from './calendar.ts';
import type { Bucket, Classification, InstallmentState, LocalDate } from './types.ts';

const pastDue = (installments: readonly InstallmentState[], today: LocalDate) =>
  installments.filter((i) => i.dueDate < today && outstanding(i).total > 0);

/**
 * Days from the earliest unpaid installment's due date to today, counted only while the past-due
 * amount exceeds the arrears tolerance (a few fen left over do not make a loan delinquent).
 */
export function daysPastDue(
  installments: readonly InstallmentState[],
  today: LocalDate,
  rules: Rules,
): number {
  const late = pastDue(installments, today);
  const owed = late.reduce((sum, i) => sum + outstanding(i).total, 0);
  if (owed <= rules.delinquency.arrearsToleranceFen) return 0;
  const earliest = late.map((i) => i.dueDate).sort()[0];
  return earliest ? daysBetween(earliest, today) : 0;
}

export function bucketOf(dpd: number, rules: Rules): Bucket {
  for (const b of rules.delinquency.buckets) {
    if (b.maxDpd === null || dpd <= b.maxDpd) return b.name as Bucket;
  }
  return 'M3+';
}

export type DelinquencyStatus = 'current' | 'grace' | 'delinquent' | 'non_performing' | 'charged_off';

export function delinquencyStatus(dpd: number, rules: Rules): DelinquencyStatus {
  const d = rules.delinquency;
  if (dpd >= d.chargeOffDpd) return 'charged_off';
  if (dpd >= d.nonPerformingDpd) return 'non_performing';
  if (dpd > d.graceDays) return 'delinquent';
  if (dpd > 0) return 'grace';
  return 'current';
}

/** consecutive: two or more installments past due; partial: the one past due is partly paid; full: wholly unpaid. */
export function classify(installments: readonly InstallmentState[], today: LocalDate): Classification | null {
  const late = pastDue(installments, today);
  if (late.length >= 2) return 'consecutive';
  const only = late[0];
  if (!only) return null;
  const paid = only.principalPaid + only.interestPaid + only.feePaid + only.penaltyPaid;
  return paid > 0 ? 'partial' : 'full';
}
