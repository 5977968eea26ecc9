import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import { BorrowerNotFound, LoansNotClosed, NoteCarriesPersonalData } from '#shared/errors/domain-errors.ts';
import { decideErasure } from '#shared/lending/erasure.ts';
import type { BorrowerHoldings, BorrowerRightsStore } from '#shared/ports/borrower-rights.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import { borrowerField, type KeyService } from '#shared/ports/key-service.ts';

export interface BorrowerRightsDeps {
  borrowerRights: BorrowerRightsStore;
  keys: KeyService;
  clock: Clock;
  ids: IdGenerator;
}

async function holdings(deps: BorrowerRightsDeps, partnerId: string, borrowerId: string, reason: string) {
  const found = personalDataIn(reason);
  if (found) throw new NoteCarriesPersonalData('reason', found);
  const held = await deps.borrowerRights.holdingsOf(partnerId, borrowerId);
  if (!held) throw new BorrowerNotFound();
  return held;
}

const audit = (
  deps: BorrowerRightsDeps,
  user: OpsUser,
  held: BorrowerHoldings,
  action: 'borrower.export' | 'borrower.erase',
  at: string,
  reason: string,
) => ({
  auditId: deps.ids.next('aud'),
  partnerId: held.borrower.partnerId,
  borrowerId: held.borrower.borrowerId,
  userId: user.userId,
  at,
  action,
  inputs: { partnerId: held.borrower.partnerId, borrowerId: held.borrower.borrowerId },
  reason,
});

/**
 * Everything held about a person at a partner, as one document with their name, phone and email
 * decrypted (PIPL Art. 45): the borrower record, their decisions, and each loan with its schedule,
 * payments, tasks and contact lines. The export itself is audited.
 */
export async function exportBorrower(
  deps: BorrowerRightsDeps,
  user: OpsUser,
  partnerId: string,
  borrowerId: string,
  reason: string,
) {
  const held = await holdings(deps, partnerId, borrowerId, reason);
  const { nameEncrypted, phoneEncrypted, emailEncrypted, ...person } = held.borrower;
  const open = async (ciphertext: string | undefined, field: 'name' | 'phone' | 'email') =>
    ciphertext ? deps.keys.decrypt(ciphertext, borrowerField(partnerId, borrowerId, field)) : undefined;
  const [name, phone, email] = await Promise.all([
    open(nameEncrypted, 'name'),
    open(phoneEncrypted, 'phone'),
    open(emailEncrypted, 'email'),
  ]);
  const at = deps.clock.now().toISOString();
  await deps.borrowerRights.recordExport(audit(deps, user, held, 'borrower.export', at, reason));
  return {
    exportedAt: at,
    person: {
      ...person,
      ...(name === undefined ? {} : { name }),
      ...(phone === undefined ? {} : { phone }),
      ...(email === undefined ? {} : { email }),
    },
    applications: held.applications,
    loans: held.loans,
  };
}

/**
 * Erases a person's name, phone, email and birth date once every loan is repaid (PIPL Art. 47); their
 * decisions, loans, payments and contact lines stay for the retention duties (contact lines carry no
 * address). Refused with the open loans named otherwise; a second request finds it done.
 */
export async function eraseBorrower(
  deps: BorrowerRightsDeps,
  user: OpsUser,
  partnerId: string,
  borrowerId: string,
  reason: string,
) {
  const held = await holdings(deps, partnerId, borrowerId, reason);
  const decision = decideErasure(
    held.borrower,
    held.loans.map((h) => h.loan),
  );
  if (decision.kind === 'refuse') throw new LoansNotClosed(decision.openLoans);
  const kept = {
    applications: held.applications.length,
    loans: held.loans.length,
    payments: held.loans.reduce((n, h) => n + h.payments.length, 0),
    contacts: held.loans.reduce((n, h) => n + h.contacts.length, 0),
  };
  if (decision.kind === 'already_erased') return { partnerId, borrowerId, erasedAt: decision.erasedAt, kept };
  const at = deps.clock.now().toISOString();
  await deps.borrowerRights.erase(held.borrower, audit(deps, user, held, 'borrower.erase', at, reason));
  return { partnerId, borrowerId, erasedAt: at, kept };
}
