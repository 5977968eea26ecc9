import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules, type Rules } from '#shared/config/rules.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { BorrowerStore } from '#shared/ports/stores.ts';
import { creditLimitOf } from '#shared/scoring/behaviour.ts';
import { refreshCreditLimit } from '#shared/servicing/credit-limit.ts';
import { addBorrower, addLoan, eventsOf, type Harness, harness } from './harness.ts';

const NOW = new Date('2027-06-01T02:00:00.000Z');
const INCOME = 1_000_000;

/** A borrower with one loan at p1 whose latest application stated `INCOME` a month. */
async function setUp(rules: Rules = defaultRules) {
  const h = harness(NOW, rules);
  const borrower = await addBorrower(h, { borrowerId: 'u1' });
  const loan = await addLoan(h, 'L1', borrower);
  return { h, loan };
}

/** The limit the person's item gives today, as scoring would compute it. */
async function expectedLimit(h: Harness, identityHash: string) {
  const status = await h.repos.borrowers.identityStatus(identityHash);
  return creditLimitOf(status, localDateOf(h.clock.now(), h.rules.timezone), h.rules);
}

/** The borrower store, with `saveCreditLimit` answering "moved meanwhile" the first `conflicts` times. */
function contended(h: Harness, conflicts: number) {
  const calls = { reads: 0, writes: 0 };
  const store = h.repos.borrowers;
  const borrowers: Pick<BorrowerStore, 'identityStatus' | 'saveCreditLimit'> = {
    identityStatus: (hash) => {
      calls.reads += 1;
      return store.identityStatus(hash);
    },
    saveCreditLimit: async (...args) => {
      calls.writes += 1;
      if (calls.writes <= conflicts) return false;
      return store.saveCreditLimit(...args);
    },
  };
  return {
    deps: { repos: { borrowers: borrowers as BorrowerStore }, clock: h.clock, rules: h.rules },
    calls,
  };
}

describe('refreshing the credit limit after a change of the person’s history', () => {
  it('announces nothing while no application has stated an income', async () => {
    const { h, loan } = await setUp();
    await refreshCreditLimit(h, loan);
    expect((await h.repos.borrowers.identityStatus(loan.identityHash)).creditLimit).toBeUndefined();
    expect(eventsOf(h, 'CreditLimitChanged')).toEqual([]);
  });

  it('stores the limit the history gives and announces it, naming the loan and never the identity', async () => {
    const { h, loan } = await setUp();
    h.repos.borrowers.applyIncome(loan.identityHash, INCOME);
    const next = await expectedLimit(h, loan.identityHash);
    expect(next?.limit).toBeGreaterThan(0);
    await refreshCreditLimit(h, loan);
    expect((await h.repos.borrowers.identityStatus(loan.identityHash)).creditLimit).toEqual(next);
    expect(eventsOf(h, 'CreditLimitChanged')).toEqual([
      {
        type: 'CreditLimitChanged',
        at: NOW.toISOString(),
        detail: {
          loanId: 'L1',
          partnerId: 'p1',
          borrowerId: 'u1',
          limit: next?.limit,
          previousLimit: null,
          grade: next?.grade,
          score: next?.score,
        },
      },
    ]);
  });

  it('announces a limit once: a refresh that finds it unchanged writes nothing', async () => {
    const { h, loan } = await setUp();
    h.repos.borrowers.applyIncome(loan.identityHash, INCOME);
    await refreshCreditLimit(h, loan);
    const { deps, calls } = contended(h, 0);
    await refreshCreditLimit(deps, loan);
    expect(calls).toEqual({ reads: 1, writes: 0 });
    expect(eventsOf(h, 'CreditLimitChanged')).toHaveLength(1);
  });

  it('announces the move from the limit stored before', async () => {
    const { h, loan } = await setUp();
    h.repos.borrowers.applyIncome(loan.identityHash, INCOME);
    await refreshCreditLimit(h, loan);
    const first = await expectedLimit(h, loan.identityHash);
    h.repos.borrowers.applyIncome(loan.identityHash, INCOME * 2);
    await refreshCreditLimit(h, loan);
    const [, moved] = eventsOf(h, 'CreditLimitChanged');
    expect(moved?.detail).toMatchObject({ previousLimit: first?.limit, limit: (first?.limit ?? 0) * 2 });
  });

  it('reads again and retries when another write stored a limit meanwhile, and stops once it is written', async () => {
    const { h, loan } = await setUp();
    h.repos.borrowers.applyIncome(loan.identityHash, INCOME);
    const { deps, calls } = contended(h, 2);
    await refreshCreditLimit(deps, loan);
    expect(calls).toEqual({ reads: 3, writes: 3 });
    expect(eventsOf(h, 'CreditLimitChanged')).toHaveLength(1);
  });

  it('gives up after the configured attempts, each one answered "moved meanwhile"', async () => {
    const { h, loan } = await setUp(loadRules({ servicing: { maxWriteAttempts: 3 } }));
    h.repos.borrowers.applyIncome(loan.identityHash, INCOME);
    const { deps, calls } = contended(h, 10);
    await refreshCreditLimit(deps, loan);
    expect(calls).toEqual({ reads: 3, writes: 3 });
    expect(eventsOf(h, 'CreditLimitChanged')).toEqual([]);
  });
});
