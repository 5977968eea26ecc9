import type { Fen, InstallmentState, LocalDate, ScheduledInstallment } from './types.ts';

export interface Components {
  fee: Fen;
  penalty: Fen;
  interest: Fen;
  principal: Fen;
  total: Fen;
}

/** What is still owed on an installment, by component. */
export function outstanding(inst: InstallmentState): Components {
  const fee = inst.feeDue - inst.feePaid;
  const penalty = inst.penaltyAccrued - inst.penaltyPaid;
  const interest = inst.interestDue - inst.interestPaid;
  const principal = inst.principalDue - inst.principalPaid;
  return { fee, penalty, interest, principal, total: fee + penalty + interest + principal };
}

/** Installment states for a fresh schedule: nothing paid, nothing accrued. */
export function unpaidInstallments(schedule: readonly ScheduledInstallment[]): InstallmentState[] {
  return schedule.map((s) => ({
    ...s,
    principalPaid: 0,
    interestPaid: 0,
    feePaid: 0,
    penaltyAccrued: 0,
    penaltyPaid: 0,
    penaltyAccruedThrough: null,
  }));
}

export function isPaid(inst: InstallmentState): boolean {
  return outstanding(inst).total === 0;
}

export interface Allocation {
  installmentNo: number;
  fee: Fen;
  penalty: Fen;
  interest: Fen;
  principal: Fen;
}

export interface AllocationResult<T extends InstallmentState> {
  installments: T[];
  /** Non-zero allocations, in the order they were made. */
  allocations: Allocation[];
  /** What exceeded everything owed, held for the borrower. */
  credit: Fen;
}

/** Component order within an installment (Civil Code Art. 561: costs, then interest, then principal). */
const WATERFALL = [
  ['fee', 'feeDue', 'feePaid'],
  ['penalty', 'penaltyAccrued', 'penaltyPaid'],
  ['interest', 'interestDue', 'interestPaid'],
  ['principal', 'principalDue', 'principalPaid'],
] as const;

/**
 * Applies a payment: installments due by `asOf`, oldest first, each fee → penalty → interest → principal;
 * what remains prepays the following installments in order, the same way; the rest is credit.
 * Pure: returns new installment objects; conserves every fen.
 */
export function allocatePayment<T extends InstallmentState>(
  installments: readonly T[],
  amount: Fen,
  asOf: LocalDate,
): AllocationResult<T> {
  let left = amount;
  const ordered = installments
    .map((inst, index) => ({ inst: { ...inst }, index }))
    .sort((a, b) =>
      a.inst.dueDate < b.inst.dueDate
        ? -1
        : a.inst.dueDate > b.inst.dueDate
          ? 1
          : a.inst.installmentNo - b.inst.installmentNo,
    );
  const due = ordered.filter((o) => o.inst.dueDate <= asOf);
  const following = ordered.filter((o) => o.inst.dueDate > asOf);
  const allocations: Allocation[] = [];
  for (const { inst } of [...due, ...following]) {
    if (left === 0) break;
    const a: Allocation = {
      installmentNo: inst.installmentNo,
      fee: 0,
      penalty: 0,
      interest: 0,
      principal: 0,
    };
    for (const [component, dueKey, paidKey] of WATERFALL) {
      const take = Math.min(left, inst[dueKey] - inst[paidKey]);
      if (take <= 0) continue;
      inst[paidKey] += take;
      a[component] += take;
      left -= take;
    }
    if (a.fee + a.penalty + a.interest + a.principal > 0) allocations.push(a);
  }
  const result = new Array<T>(installments.length);
  for (const o of ordered) result[o.index] = o.inst;
  return { installments: result, allocations, credit: left };
}
