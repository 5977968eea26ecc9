import { describe, expect, it } from 'vitest';
import type { EarlyWarning } from '#shared/collection/early-warning.ts';
import type { WatchlistStore } from '#shared/ports/watchlist.ts';
import { warnIfUnreachable } from '#shared/reminders/warn-unreachable.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { addBorrower, addLoan, type Harness, harness, type Person } from './harness.ts';

/** Before the fixture loans' one installment falls due (2027-06-10): every loan is current. */
const NOW = new Date('2027-06-01T02:00:00.000Z');

/** The watchlist's `raise`, keeping each signal raised; a signal the entry has already raises nothing. */
class RecordingWatchlist implements Pick<WatchlistStore, 'raise'> {
  readonly raised: { loanId: string; warning: EarlyWarning; event: DomainEvent }[] = [];
  async raise(who: { loanId: string }, warning: EarlyWarning, event: DomainEvent): Promise<boolean> {
    const key = (w: EarlyWarning) => `${w.loanId}/${w.code}/${w.occurrence}`;
    if (this.raised.some((r) => key(r.warning) === key(warning))) return false;
    this.raised.push({ loanId: who.loanId, warning, event });
    return true;
  }
}

function setUp() {
  const h = harness(NOW);
  const watchlist = new RecordingWatchlist();
  const deps = {
    repos: h.repos,
    watchlist: watchlist as unknown as WatchlistStore,
    rules: h.rules,
    clock: h.clock,
  };
  return { h, watchlist, deps };
}

async function borrowerWithLoans(h: Harness, person: Person, loanIds: string[]) {
  const borrower = await addBorrower(h, person);
  for (const loanId of loanIds) await addLoan(h, loanId, borrower);
  return borrower;
}

describe('ALL_CHANNELS_OPTED_OUT after an opt-out', () => {
  it('warns each of the borrower’s loans at the partner, in id order, once no channel is left, on the day the preferences changed', async () => {
    const { h, watchlist, deps } = setUp();
    const borrower = await borrowerWithLoans(h, { borrowerId: 'u1', optOut: ['sms'] }, ['L2', 'L1']);
    // The fixture's borrower last changed a month before the warning is raised.
    expect(borrower.updatedAt).toBe('2027-05-01T00:00:00.000Z');
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(2);
    expect(watchlist.raised.map((r) => r.loanId)).toEqual(['L1', 'L2']);
    expect(watchlist.raised[0]).toEqual({
      loanId: 'L1',
      warning: {
        code: 'ALL_CHANNELS_OPTED_OUT',
        loanId: 'L1',
        occurrence: 'opted-out-2027-05-01',
        raisedOn: '2027-06-01',
      },
      event: {
        type: 'EarlyWarningRaised',
        at: NOW.toISOString(),
        detail: {
          loanId: 'L1',
          partnerId: 'p1',
          borrowerId: 'u1',
          code: 'ALL_CHANNELS_OPTED_OUT',
          occurrence: 'opted-out-2027-05-01',
          raisedOn: '2027-06-01',
        },
      },
    });
  });

  it('warns nothing while email is left to a borrower who gave one', async () => {
    const { h, watchlist, deps } = setUp();
    await borrowerWithLoans(h, { borrowerId: 'u1', email: 'u1@example.com', optOut: ['sms'] }, ['L1']);
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(0);
    expect(watchlist.raised).toEqual([]);
  });

  it('warns a borrower who gave an email once email is opted out too', async () => {
    const { h, deps } = setUp();
    await borrowerWithLoans(h, { borrowerId: 'u1', email: 'u1@example.com', optOut: ['sms', 'email'] }, [
      'L1',
    ]);
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(1);
  });

  it('warns nothing while SMS is left', async () => {
    const { h, watchlist, deps } = setUp();
    await borrowerWithLoans(h, { borrowerId: 'u1', optOut: [] }, ['L1']);
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(0);
    expect(watchlist.raised).toEqual([]);
  });

  it('warns nothing for a borrower the partner does not have', async () => {
    const { watchlist, deps } = setUp();
    expect(await warnIfUnreachable(deps, 'p1', 'u-none')).toBe(0);
    expect(watchlist.raised).toEqual([]);
  });

  it('leaves the person’s loans at other partners, under other borrower ids and no longer active alone', async () => {
    const { h, watchlist, deps } = setUp();
    await borrowerWithLoans(h, { borrowerId: 'u1', optOut: ['sms'] }, ['L1', 'L-paid']);
    const paid = await h.repos.loans.getLoan('L-paid');
    if (!paid) throw new Error('L-paid was booked');
    await h.repos.loans.saveLoan({ ...paid, status: 'paid_off', version: paid.version + 1 }, paid.version);
    // The same person (same ID number) at another partner, and under a second borrower id at this one.
    // Borrower ids are the partners' own: p2 may call the same person u1 too.
    await borrowerWithLoans(h, { partnerId: 'p2', borrowerId: 'u1', optOut: ['sms'] }, ['L-other-partner']);
    await borrowerWithLoans(h, { borrowerId: 'u2' }, ['L-other-id']);
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(1);
    expect(watchlist.raised.map((r) => r.loanId)).toEqual(['L1']);
  });

  it('counts only the signals raised now: a retry the same day raises nothing more', async () => {
    const { h, deps } = setUp();
    await borrowerWithLoans(h, { borrowerId: 'u1', optOut: ['sms'] }, ['L1']);
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(1);
    expect(await warnIfUnreachable(deps, 'p1', 'u1')).toBe(0);
  });
});
