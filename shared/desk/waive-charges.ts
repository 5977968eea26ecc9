import { LoanNotActive, LoanNotFound, WaiverRefused } from '#shared/errors/domain-errors.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { Fen } from '#shared/lending/types.ts';
import { decideWaiver } from '#shared/lending/waiver.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import { auditOf, checkReason, type SupervisionDeps, withLoanRetries } from './supervision-deps.ts';

export interface WaiverInput {
  penalty: Fen;
  interest: Fen;
  reason: string;
}

export interface WaiverResult {
  loanId: string;
  partnerId: string;
  waived: {
    penalty: Fen;
    interest: Fen;
    installments: { installmentNo: number; penalty: Fen; interest: Fen }[];
  };
  /** What the loan owes after the waiver (penalty accrued through today). */
  outstanding: { principal: Fen; interest: Fen; fee: Fen; penalty: Fen };
}

/**
 * A supervisor waives penalty and/or contract interest (the decision in `shared/lending/waiver.ts`): the
 * lowered installments, the exposure, `ChargesWaived` and the audit record with its reason, in one
 * transaction under the loan's version.
 */
export async function waiveCharges(
  deps: SupervisionDeps,
  user: OpsUser,
  loanId: string,
  input: WaiverInput,
): Promise<WaiverResult> {
  checkReason(input.reason);
  return withLoanRetries(deps, async () => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const today = localDateOf(now, deps.rules.timezone);
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current) throw new LoanNotFound();
    const { loan } = current;
    if (loan.status !== 'active') throw new LoanNotActive(loan.status);
    const accrued = accrueLoanPenalty(loan, current.installments, today, deps.rules);
    const decision = decideWaiver(accrued, input, today, deps.rules);
    if (decision.kind === 'refused') {
      const which = decision.refusal === 'penalty_above_waivable' ? 'penalty' : 'interest';
      const most = decision.waivable[which];
      throw new WaiverRefused(
        decision.refusal,
        which,
        which === 'penalty'
          ? `at most ${most} fen of penalty (what has accrued and is unpaid)`
          : `at most ${most} fen of interest (half the contract interest due, less what was waived)`,
      );
    }
    const byNo = new Map(decision.changed.map((i) => [i.installmentNo, i]));
    const schedule = accrued.map((i) => byNo.get(i.installmentNo) ?? i);
    const audit = auditOf(
      deps,
      user,
      loan,
      at,
      'charges.waive',
      { penalty: input.penalty, interest: input.interest },
      input.reason,
    );
    await deps.supervision.applyLoanAction({
      loan,
      expectedVersion: loan.version,
      installments: decision.changed,
      exposure: exposureOf(loan, schedule),
      events: [
        {
          type: 'ChargesWaived',
          at,
          detail: {
            loanId: loan.loanId,
            partnerId: loan.partnerId,
            borrowerId: loan.borrowerId,
            // Two equal waivers are two facts: the audit id tells their events apart.
            waiverId: audit.auditId,
            penalty: input.penalty,
            interest: input.interest,
          },
        },
      ],
      audit,
    });
    const owed = { principal: 0, interest: 0, fee: 0, penalty: 0 };
    for (const inst of schedule) {
      const o = outstanding(inst);
      owed.principal += o.principal;
      owed.interest += o.interest;
      owed.fee += o.fee;
      owed.penalty += o.penalty;
    }
    return { loanId, partnerId: loan.partnerId, waived: decision.waived, outstanding: owed };
  });
}
