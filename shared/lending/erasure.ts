/**
 * Erasure at a person's request (PIPL Art. 47): only once every loan is closed (repaid in full), since an
 * open or charged-off loan is still a debt the lender must be able to collect; once, however often asked.
 */
export type ErasureDecision =
  | { kind: 'erase' }
  | { kind: 'already_erased'; erasedAt: string }
  | { kind: 'refuse'; openLoans: string[] };

export function decideErasure(
  person: { erasedAt?: string },
  loans: readonly { loanId: string; status: 'active' | 'paid_off' | 'charged_off' }[],
): ErasureDecision {
  const openLoans = loans.filter((l) => l.status !== 'paid_off').map((l) => l.loanId);
  if (openLoans.length > 0) return { kind: 'refuse', openLoans };
  if (person.erasedAt) return { kind: 'already_erased', erasedAt: person.erasedAt };
  return { kind: 'erase' };
}
