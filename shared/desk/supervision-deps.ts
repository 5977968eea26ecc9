import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import type { Rules } from '#shared/config/rules.ts';
import { LoanBusy, LoanVersionConflict, NoteCarriesPersonalData } from '#shared/errors/domain-errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { AuditRecord, OpsUser } from '#shared/ports/desk.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { LoanStore } from '#shared/ports/stores.ts';
import type { SupervisionStore } from '#shared/ports/supervision.ts';

/** What the supervisor's actions load from and save to. */
export interface SupervisionDeps {
  rules: Rules;
  repos: { loans: LoanStore };
  supervision: SupervisionStore;
  clock: Clock;
  ids: IdGenerator;
}

/** A reason typed on the desk is kept for years in the audit trail: it must carry no personal data. */
export function checkReason(reason: string | undefined, path = 'reason'): void {
  const found = reason === undefined ? undefined : personalDataIn(reason);
  if (found) throw new NoteCarriesPersonalData(path, found);
}

/** The audit record of a supervisor's action on a loan (inputs: ids, codes, amounts and dates only). */
export function auditOf(
  deps: SupervisionDeps,
  user: OpsUser,
  loan: Pick<LoanRecord, 'loanId' | 'partnerId'>,
  at: string,
  action: AuditRecord['action'],
  inputs: AuditRecord['inputs'],
  reason?: string,
): AuditRecord {
  return {
    auditId: deps.ids.next('aud'),
    loanId: loan.loanId,
    partnerId: loan.partnerId,
    userId: user.userId,
    at,
    action,
    inputs,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Reads, decides and writes again while another writer changed the loan meanwhile; then `LoanBusy`. */
export async function withLoanRetries<T>(deps: SupervisionDeps, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
      if (tries >= deps.rules.servicing.maxWriteAttempts) throw new LoanBusy({ cause: err });
    }
  }
}
