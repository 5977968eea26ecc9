import { openEpisode } from '#shared/collection/ladder.ts';
import {
  brokenInEpisode,
  newPromiseRefusal,
  type OpenPromise,
  openPromiseOf,
  promiseRefusalIssue,
} from '#shared/collection/promises.ts';
import type { Rules } from '#shared/config/rules.ts';
import {
  LoanBusy,
  LoanNotActive,
  LoanNotFound,
  LoanVersionConflict,
  PromiseRefused,
} from '#shared/errors/domain-errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { PromiseToPay } from '#shared/ports/desk.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { PromiseStore } from '#shared/ports/promises.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { PromiseRequest } from '#shared/schemas/servicing.ts';

export interface PromiseDeps {
  repos: Pick<Stores, 'loans'>;
  promises: PromiseStore;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/**
 * The borrower promises in the partner's app: checked like a desk promise, and only for something past
 * due; stored, held on the loan (the ladder waits on it until it is judged) and announced with
 * `PromiseToPayRecorded` in one transaction under the loan's version.
 */
export async function makePromise(
  deps: PromiseDeps,
  partnerId: string,
  loanId: string,
  request: PromiseRequest,
): Promise<PromiseToPay & { pausesLadder: boolean }> {
  const promiseId = deps.ids.next('pr');
  for (let attempt = 1; ; attempt++) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current || current.loan.partnerId !== partnerId) throw new LoanNotFound();
    const { loan } = current;
    const now = deps.clock.now();
    const today = localDateOf(now, deps.rules.timezone);
    // What is owed as the loan view shows it today: penalty accrued to date.
    const installments = accrueLoanPenalty(loan, current.installments, today, deps.rules);
    const refusal = newPromiseRefusal(loan, installments, request, today, deps.rules, true);
    if (refusal?.kind === 'loan_not_active') throw new LoanNotActive(refusal.status);
    if (refusal) {
      const issue = promiseRefusalIssue(refusal);
      throw new PromiseRefused(issue.code, issue.path, issue.message);
    }
    const episode = openEpisode(loan)?.episode;
    const promise: PromiseToPay = {
      promiseId,
      loanId,
      partnerId,
      ...(episode === undefined ? {} : { episode }),
      source: 'partner',
      date: request.date,
      amount: request.amount,
      madeAt: now.toISOString(),
      madeBy: partnerId,
      status: 'open',
    };
    const open: OpenPromise = openPromiseOf(promise);
    try {
      await deps.promises.recordPartnerPromise({
        promise,
        open,
        expectedVersion: loan.version,
        events: [
          {
            type: 'PromiseToPayRecorded',
            at: promise.madeAt,
            detail: {
              loanId,
              partnerId,
              borrowerId: loan.borrowerId,
              promiseId,
              episode: episode ?? null,
              date: promise.date,
              amount: promise.amount,
              source: 'partner',
            },
          },
        ],
      });
    } catch (err) {
      if (!(err instanceof LoanVersionConflict)) throw err;
      if (attempt < deps.rules.servicing.maxWriteAttempts) continue;
      throw new LoanBusy({ cause: err });
    }
    return { ...promise, pausesLadder: brokenInEpisode(loan) < deps.rules.collection.brokenPromisesEndPause };
  }
}
