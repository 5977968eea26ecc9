import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules, type Rules } from '#shared/config/rules.ts';
import {
  LoanBusy,
  LoanNotActive,
  LoanNotFound,
  LoanVersionConflict,
  PromiseRefused,
} from '#shared/errors/domain-errors.ts';
import type { PartnerPromiseWrite, PromiseStore } from '#shared/ports/promises.ts';
import { makePromise } from '#shared/servicing/make-promise.ts';
import { addBorrower, addLoan, harness } from './harness.ts';

/** Five days after the fixture loan's one installment (¥1,000 and its interest) fell due on 2027-06-10. */
const NOW = new Date('2027-06-15T02:00:00.000Z');

/** The promise store's partner write, kept as given; `failures` are thrown by the next writes, in order. */
class RecordingPromises implements PromiseStore {
  readonly writes: PartnerPromiseWrite[] = [];
  attempts = 0;
  constructor(private readonly failures: (() => Error)[] = []) {}
  async recordPartnerPromise(write: PartnerPromiseWrite): Promise<void> {
    this.attempts += 1;
    const failure = this.failures.shift();
    if (failure) throw failure();
    this.writes.push(structuredClone(write));
  }
  async promisesDue() {
    return [];
  }
  async paymentsOf() {
    return [];
  }
  async recordJudgment(): Promise<void> {}
}

async function setUp(options: { now?: Date; rules?: Rules; failures?: (() => Error)[] } = {}) {
  const h = harness(options.now ?? NOW, options.rules ?? defaultRules);
  const borrower = await addBorrower(h, { borrowerId: 'u1' });
  const loan = await addLoan(h, 'L1', borrower);
  const promises = new RecordingPromises(options.failures);
  const deps = { repos: h.repos, promises, clock: h.clock, ids: h.ids, rules: h.rules };
  return { h, loan, promises, deps };
}

const request = { date: '2027-06-20', amount: 120_000 };

describe('a partner’s promise to pay', () => {
  it('is stored and held on the loan past due, with its event, under the loan’s version', async () => {
    const { loan, promises, deps } = await setUp();
    const made = await makePromise(deps, 'p1', 'L1', request);
    const promise = {
      promiseId: made.promiseId,
      loanId: 'L1',
      partnerId: 'p1',
      source: 'partner',
      date: '2027-06-20',
      amount: 120_000,
      madeAt: NOW.toISOString(),
      madeBy: 'p1',
      status: 'open',
    };
    expect(made).toStrictEqual({ ...promise, pausesLadder: true });
    expect(made.promiseId).toMatch(/^pr_/);
    expect(promises.writes).toStrictEqual([
      {
        promise,
        open: {
          promiseId: made.promiseId,
          date: '2027-06-20',
          amount: 120_000,
          madeAt: NOW.toISOString(),
          source: 'partner',
        },
        expectedVersion: loan.version,
        events: [
          {
            type: 'PromiseToPayRecorded',
            at: NOW.toISOString(),
            detail: {
              loanId: 'L1',
              partnerId: 'p1',
              borrowerId: 'u1',
              promiseId: made.promiseId,
              episode: null,
              date: '2027-06-20',
              amount: 120_000,
              source: 'partner',
            },
          },
        ],
      },
    ]);
  });

  it('names the open episode of the ladder, and pauses it until the episode has two broken promises', async () => {
    const { h, promises, deps } = await setUp();
    const withEpisode = async (brokenPromises: number) => {
      const loan = (await h.repos.loans.getLoan('L1')) as NonNullable<
        Awaited<ReturnType<typeof h.repos.loans.getLoan>>
      >;
      const escalation = {
        episode: 3,
        rung: 'D+4',
        since: '2027-06-14T01:00:00.000Z',
        pausedUntil: null,
        brokenPromises,
      };
      await h.repos.loans.saveLoan({ ...loan, escalation, version: loan.version + 1 }, loan.version);
    };
    await withEpisode(1);
    const first = await makePromise(deps, 'p1', 'L1', request);
    expect(first).toMatchObject({ episode: 3, pausesLadder: true });
    expect(promises.writes[0]?.promise.episode).toBe(3);
    expect(promises.writes[0]?.events[0]?.detail).toMatchObject({ episode: 3 });
    expect(defaultRules.collection.brokenPromisesEndPause).toBe(2);
    await withEpisode(2);
    expect(await makePromise(deps, 'p1', 'L1', request)).toMatchObject({ episode: 3, pausesLadder: false });
  });

  it('is refused on a loan of another partner, or none, as not found', async () => {
    const { promises, deps } = await setUp();
    await expect(makePromise(deps, 'p2', 'L1', request)).rejects.toBeInstanceOf(LoanNotFound);
    await expect(makePromise(deps, 'p1', 'L-none', request)).rejects.toBeInstanceOf(LoanNotFound);
    expect(promises.attempts).toBe(0);
  });

  it('is refused before anything is past due, and for a date past the furthest allowed', async () => {
    const early = await setUp({ now: new Date('2027-06-05T02:00:00.000Z') });
    await expect(
      makePromise(early.deps, 'p1', 'L1', { ...request, date: '2027-06-08' }),
    ).rejects.toMatchObject({
      code: 'nothing_past_due',
    });
    const late = await setUp();
    const refusal = makePromise(late.deps, 'p1', 'L1', { ...request, date: '2027-07-30' });
    await expect(refusal).rejects.toBeInstanceOf(PromiseRefused);
    await expect(refusal).rejects.toMatchObject({
      code: 'promise_date_too_far',
      issues: [{ path: 'date', message: expect.stringContaining('2027-06-29') }],
    });
    expect(early.promises.attempts + late.promises.attempts).toBe(0);
  });

  it('is refused on a loan no longer active', async () => {
    const { h, promises, deps } = await setUp();
    const loan = (await h.repos.loans.getLoan('L1')) as NonNullable<
      Awaited<ReturnType<typeof h.repos.loans.getLoan>>
    >;
    await h.repos.loans.saveLoan({ ...loan, status: 'paid_off', version: loan.version + 1 }, loan.version);
    await expect(makePromise(deps, 'p1', 'L1', request)).rejects.toBeInstanceOf(LoanNotActive);
    expect(promises.attempts).toBe(0);
  });

  it('is written again, under the same promise id, when another write moved the loan first', async () => {
    const { promises, deps } = await setUp({ failures: [() => new LoanVersionConflict('moved')] });
    const made = await makePromise(deps, 'p1', 'L1', request);
    expect(promises.attempts).toBe(2);
    expect(promises.writes.map((w) => w.promise.promiseId)).toEqual([made.promiseId]);
  });

  it('gives up as busy after the configured attempts, each one a conflict', async () => {
    const rules = loadRules({ servicing: { maxWriteAttempts: 3 } });
    const conflicts = Array.from({ length: 5 }, () => () => new LoanVersionConflict('moved'));
    const { promises, deps } = await setUp({ rules, failures: conflicts });
    const busy = makePromise(deps, 'p1', 'L1', request);
    await expect(busy).rejects.toBeInstanceOf(LoanBusy);
    await expect(busy).rejects.toMatchObject({ cause: expect.any(LoanVersionConflict) });
    expect(promises.attempts).toBe(3);
  });

  it('lets any other failure of the write through at once', async () => {
    const down = new Error('table unavailable');
    const { promises, deps } = await setUp({ failures: [() => down] });
    await expect(makePromise(deps, 'p1', 'L1', request)).rejects.toBe(down);
    expect(promises.attempts).toBe(1);
  });
});
