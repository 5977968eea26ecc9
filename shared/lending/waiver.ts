import type { Rules } from '#shared/config/rules.ts';
import type { Fen, InstallmentState, LocalDate } from './types.ts';

/** An installment with what waivers took off it so far (the amounts due are lowered by as much). */
export interface WaivableInstallment extends InstallmentState {
  penaltyWaived?: Fen;
  interestWaived?: Fen;
}

export interface WaiverRequest {
  penalty: Fen;
  interest: Fen;
}

/** The most a waiver may take today: all penalty accrued and unpaid; half the contract interest due. */
export interface Waivable {
  penalty: Fen;
  interest: Fen;
}

export type WaiverDecision<T> =
  | { kind: 'refused'; refusal: 'penalty_above_waivable' | 'interest_above_waivable'; waivable: Waivable }
  | {
      kind: 'waived';
      /** The installments the waiver lowered, changed. */
      changed: T[];
      waived: {
        penalty: Fen;
        interest: Fen;
        installments: { installmentNo: number; penalty: Fen; interest: Fen }[];
      };
    };

/** Penalty an installment owes: accrued and not paid. */
const penaltyOwed = (i: WaivableInstallment) => i.penaltyAccrued - i.penaltyPaid;

/**
 * The interest still waivable on one installment due by today: up to the share of its contract interest
 * (counting what earlier waivers took), and never more than is unpaid.
 */
function interestWaivable(i: WaivableInstallment, today: LocalDate, rules: Rules): Fen {
  if (i.dueDate > today) return 0;
  const before = i.interestDue + (i.interestWaived ?? 0);
  const limit = Math.floor((before * rules.supervision.maxInterestWaiverBps) / 10_000);
  return Math.max(0, Math.min(limit - (i.interestWaived ?? 0), i.interestDue - i.interestPaid));
}

export function waivable(
  installments: readonly WaivableInstallment[],
  today: LocalDate,
  rules: Rules,
): Waivable {
  return {
    penalty: installments.reduce((sum, i) => sum + penaltyOwed(i), 0),
    interest: installments.reduce((sum, i) => sum + interestWaivable(i, today, rules), 0),
  };
}

/**
 * A waiver (domain rules, "Collection desk"): penalty up to what has accrued and is unpaid, contract
 * interest up to half of what is due (installments due by today), never principal and never fees. Taken
 * from the oldest installments first; each amount due is lowered and the waived part kept beside it.
 * `installments` carry penalty accrued through today.
 */
export function decideWaiver<T extends WaivableInstallment>(
  installments: readonly T[],
  request: WaiverRequest,
  today: LocalDate,
  rules: Rules,
): WaiverDecision<T> {
  const most = waivable(installments, today, rules);
  if (request.penalty > most.penalty)
    return { kind: 'refused', refusal: 'penalty_above_waivable', waivable: most };
  if (request.interest > most.interest)
    return { kind: 'refused', refusal: 'interest_above_waivable', waivable: most };
  let penaltyLeft = request.penalty;
  let interestLeft = request.interest;
  const changed: T[] = [];
  const byInstallment: { installmentNo: number; penalty: Fen; interest: Fen }[] = [];
  const oldestFirst = [...installments].sort((a, b) =>
    a.dueDate === b.dueDate ? a.installmentNo - b.installmentNo : a.dueDate < b.dueDate ? -1 : 1,
  );
  for (const inst of oldestFirst) {
    const penalty = Math.min(penaltyLeft, penaltyOwed(inst));
    const interest = Math.min(interestLeft, interestWaivable(inst, today, rules));
    if (penalty + interest === 0) continue;
    penaltyLeft -= penalty;
    interestLeft -= interest;
    byInstallment.push({ installmentNo: inst.installmentNo, penalty, interest });
    changed.push({
      ...inst,
      penaltyAccrued: inst.penaltyAccrued - penalty,
      penaltyWaived: (inst.penaltyWaived ?? 0) + penalty,
      interestDue: inst.interestDue - interest,
      interestWaived: (inst.interestWaived ?? 0) + interest,
      amountDue: inst.amountDue - interest,
    });
  }
  return {
    kind: 'waived',
    changed,
    waived: { penalty: request.penalty, interest: request.interest, installments: byInstallment },
  };
}
