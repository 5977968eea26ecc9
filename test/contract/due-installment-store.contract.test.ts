import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { InstallmentRecord } from '#shared/ports/records.ts';
import type { DueInstallmentStore } from '#shared/ports/stores.ts';
import { dueIndexKey, shardOf } from '#shared/storage/keys.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const at = (installments: InstallmentRecord[], no: number) => installments[no - 1] as InstallmentRecord;

/** The targets' stores are built with the default rules: this many due-index shards. */
const SHARDS = defaultRules.schedule.dueIndexShards;

const idOf = (i: InstallmentRecord) => `${i.loanId}#${i.installmentNo}`;
const ownerOf = (i: InstallmentRecord) => `${i.partnerId}#${i.borrowerId}`;
const sortOf = (i: InstallmentRecord) => dueIndexKey(i, SHARDS).dueSort;

/** Every page of one shard on a date, from the start, following each page's `next`. */
async function pagesOf(
  store: DueInstallmentStore,
  dueDate: LocalDate,
  shard: number,
  limit: number,
): Promise<InstallmentRecord[][]> {
  const pages: InstallmentRecord[][] = [];
  let after: string | undefined;
  do {
    const page = await store.findDuePage(dueDate, shard, after, limit);
    pages.push(page.installments);
    after = page.next;
    if (pages.length > 1000) throw new Error('findDuePage does not come to an end');
  } while (after !== undefined);
  return pages;
}

/** `count` borrower ids, made from `prefix`, whose installments all fall in due-index shard `shard`. */
function borrowersInShard(partnerId: string, prefix: string, shard: number, count: number): string[] {
  const found: string[] = [];
  for (let n = 0; found.length < count; n++) {
    const id = `${prefix}-${String(n).padStart(3, '0')}`;
    if (shardOf(`${partnerId}#${id}`, SHARDS) === shard) found.push(id);
  }
  return found;
}

/**
 * The DueInstallmentStore contract: exactly the unpaid installments due on a date, by loan id then
 * installment number, following payments and re-dating. Each test has its own disbursement day, so its
 * due dates are its own. Read units are not part of the contract (in memory reads none).
 */
function dueInstallmentStoreContract(target: Target): void {
  const stores = useStores(target);

  it('finds the installments due on a date across loans, in loan and installment order', async () => {
    const ids = [unique('due-b'), unique('due-a'), unique('due-c')];
    const booked = ids.map((loanId) => loanFixture({ loanId }, { disbursedOn: '2031-01-03' }));
    for (const { loan, installments } of booked) await stores().loans.book(loan, installments);
    const other = loanFixture({ loanId: unique('due-other') }, { disbursedOn: '2031-01-04' });
    await stores().loans.book(other.loan, other.installments);

    const due = await stores().dueIndex.findDueInstallments('2031-02-03');
    const expected = booked.map((b) => at(b.installments, 1)).sort((a, b) => (a.loanId < b.loanId ? -1 : 1));
    expect(due.installments).toEqual(expected);
    expect(
      (await stores().dueIndex.findDueInstallments('2031-03-03')).installments.map((i) => i.installmentNo),
    ).toEqual([2, 2, 2]);
    expect((await stores().dueIndex.findDueInstallments('2031-02-02')).installments).toEqual([]);
  });

  it('orders two installments of one loan due the same day by installment number', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('same-day') }, { disbursedOn: '2031-01-05' });
    const sameDay = installments.map((i) => ({ ...i, dueDate: '2031-02-05' }));
    await stores().loans.book(loan, [...sameDay].reverse());
    expect(
      (await stores().dueIndex.findDueInstallments('2031-02-05')).installments.map((i) => i.installmentNo),
    ).toEqual([1, 2, 3]);
  });

  it('drops an installment once paid in full, and keeps one paid in part', async () => {
    const full = loanFixture({ loanId: unique('paid-full') }, { disbursedOn: '2031-01-06' });
    const part = loanFixture({ loanId: unique('paid-part') }, { disbursedOn: '2031-01-06' });
    for (const { loan, installments } of [full, part]) await stores().loans.book(loan, installments);
    const first = at(full.installments, 1);
    await stores().loans.applyPayment(
      {
        loanId: full.loan.loanId,
        paymentId: 'p1',
        amount: first.amountDue,
        paidAt: '2031-02-06T02:00:00.000Z',
        allocations: [],
        credit: 0,
        appliedAt: '2031-02-06T02:00:00.000Z',
      },
      full.loan,
      1,
      [
        {
          ...first,
          principalPaid: first.principalDue,
          interestPaid: first.interestDue,
          feePaid: first.feeDue,
        },
      ],
    );
    const partFirst = { ...at(part.installments, 1), principalPaid: 1 };
    await stores().loans.saveInstallments(part.loan, 1, [partFirst]);

    const due = await stores().dueIndex.findDueInstallments('2031-02-06');
    expect(due.installments).toEqual([partFirst]);
  });

  it('follows a re-dated installment to its new date', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('redated') }, { disbursedOn: '2031-01-07' });
    await stores().loans.book(loan, installments);
    const moved = { ...at(installments, 1), dueDate: '2031-02-21' };
    await stores().loans.saveInstallments(loan, 1, [moved]);
    expect((await stores().dueIndex.findDueInstallments('2031-02-07')).installments).toEqual([]);
    expect((await stores().dueIndex.findDueInstallments('2031-02-21')).installments).toEqual([moved]);
  });

  it('hands out copies', async () => {
    const { loan, installments } = loanFixture({ loanId: unique('due-copy') }, { disbursedOn: '2031-01-08' });
    await stores().loans.book(loan, installments);
    const first = await stores().dueIndex.findDueInstallments('2031-02-08');
    (first.installments[0] as InstallmentRecord).principalPaid = 1;
    expect((await stores().dueIndex.findDueInstallments('2031-02-08')).installments).toEqual([
      at(installments, 1),
    ]);
  });

  describe('findDuePage', () => {
    /**
     * 30 loans of 16 borrowers at two partners, all disbursed `disbursedOn`: borrowers 0, 5, 10 and 15
     * hold three loans each, the other even ones two, the odd ones one. Returns the bookings.
     */
    async function bookBorrowers(tag: string, disbursedOn: string) {
      const booked: ReturnType<typeof loanFixture>[] = [];
      for (let b = 0; b < 16; b++) {
        const partnerId = b % 3 === 0 ? 'p-other' : 'p-demo';
        const borrowerId = unique(`${tag}-u`);
        const loans = b % 5 === 0 ? 3 : b % 2 === 0 ? 2 : 1;
        for (let l = 0; l < loans; l++) {
          const fixture = loanFixture(
            { loanId: unique(`${tag}-L`), partnerId, borrowerId, identityHash: `id-${borrowerId}` },
            { disbursedOn },
          );
          const installments = fixture.installments.map((i) => ({ ...i, partnerId, borrowerId }));
          await stores().loans.book(fixture.loan, installments);
          booked.push({ loan: fixture.loan, installments });
        }
      }
      return booked;
    }

    it("reassembles, page by page over every shard, exactly the date's unpaid installments", async () => {
      const booked = await bookBorrowers('pages', '2031-01-09');
      // Paid in full: not due any more; paid in part: still due.
      const [fully, inPart] = [booked[4], booked[7]] as [(typeof booked)[number], (typeof booked)[number]];
      const paid = at(fully.installments, 1);
      const partly = { ...at(inPart.installments, 1), principalPaid: 1 };
      await stores().loans.saveInstallments(fully.loan, 1, [
        { ...paid, principalPaid: paid.principalDue, interestPaid: paid.interestDue, feePaid: paid.feeDue },
      ]);
      await stores().loans.saveInstallments(inPart.loan, 1, [partly]);

      const whole = (await stores().dueIndex.findDueInstallments('2031-02-09')).installments;
      expect(whole).toHaveLength(booked.length - 1);
      expect(whole.map(idOf)).not.toContain(idOf(paid));
      for (const limit of [1, 3, 4, 7, 100]) {
        const seen: InstallmentRecord[] = [];
        for (let shard = 0; shard < SHARDS; shard++) {
          const inShard = (await pagesOf(stores().dueIndex, '2031-02-09', shard, limit)).flat();
          // Each shard holds its own borrowers, in sort-key order.
          for (const inst of inShard) expect(dueIndexKey(inst, SHARDS).dueShard).toBe(`2031-02-09#${shard}`);
          expect(inShard.map(sortOf)).toEqual(inShard.map(sortOf).sort());
          seen.push(...inShard);
        }
        const ids = seen.map(idOf);
        expect(new Set(ids).size, `no installment twice at limit ${limit}`).toBe(ids.length);
        const byId = (a: InstallmentRecord, b: InstallmentRecord) => (idOf(a) < idOf(b) ? -1 : 1);
        expect([...seen].sort(byId), `none missing at limit ${limit}`).toEqual([...whole].sort(byId));
      }
      const pagedIds = (await pagesOf(stores().dueIndex, '2031-02-09', shardOf(ownerOf(paid), SHARDS), 3))
        .flat()
        .map(idOf);
      expect(pagedIds).not.toContain(idOf(paid));
      const partlyPages = await pagesOf(stores().dueIndex, '2031-02-09', shardOf(ownerOf(partly), SHARDS), 3);
      expect(partlyPages.flat().find((i) => idOf(i) === idOf(partly))).toEqual(partly);
    });

    it("never splits a borrower's installments between pages when others share the page", async () => {
      // Every borrower in shard 1: two of them with three loans each and one with two, due the same date.
      const partnerId = 'p-demo';
      const tag = unique('split');
      const borrowers = borrowersInShard(partnerId, tag, 1, 8);
      const loansOf = [1, 3, 1, 2, 3, 1, 1, 1];
      for (const [b, borrowerId] of borrowers.entries()) {
        for (let l = 0; l < (loansOf[b] as number); l++) {
          const { loan, installments } = loanFixture(
            { loanId: `${tag}-${b}-${l}`, partnerId, borrowerId, identityHash: `id-${borrowerId}` },
            { disbursedOn: '2031-01-10' },
          );
          await stores().loans.book(
            loan,
            installments.map((i) => ({ ...i, partnerId, borrowerId })),
          );
        }
      }
      const total = loansOf.reduce((a, b) => a + b, 0);
      for (const limit of [3, 4, 5]) {
        const pages = await pagesOf(stores().dueIndex, '2031-02-10', 1, limit);
        expect(pages.flat()).toHaveLength(total);
        // No borrower has more than `limit` installments here: each sits wholly on one page.
        const pageOfOwner = new Map<string, Set<number>>();
        for (const [n, page] of pages.entries()) {
          expect(page.length).toBeLessThanOrEqual(limit);
          for (const inst of page)
            pageOfOwner.set(ownerOf(inst), new Set([...(pageOfOwner.get(ownerOf(inst)) ?? []), n]));
        }
        for (const [owner, onPages] of pageOfOwner) expect([owner, onPages.size]).toEqual([owner, 1]);
        // And the page did end early to keep one whole: some page short of `limit` is not the last.
        expect(pages.slice(0, -1).some((p) => p.length < limit)).toBe(true);
      }
      // `next` of the first page, whatever its form, starts the second page with a whole borrower.
      const first = await stores().dueIndex.findDuePage('2031-02-10', 1, undefined, 4);
      const second = await stores().dueIndex.findDuePage('2031-02-10', 1, first.next, 4);
      const lastOwner = ownerOf(first.installments.at(-1) as InstallmentRecord);
      expect(second.installments.map(ownerOf)).not.toContain(lastOwner);
    });

    it('splits a borrower only where that borrower alone fills the page', async () => {
      const partnerId = 'p-demo';
      const tag = unique('alone');
      const [small, big, after] = borrowersInShard(partnerId, tag, 2, 3) as [string, string, string];
      const plan: [string, number][] = [
        [small, 1],
        [big, 5],
        [after, 1],
      ];
      for (const [borrowerId, loans] of plan) {
        for (let l = 0; l < loans; l++) {
          const { loan, installments } = loanFixture(
            { loanId: `${tag}-${borrowerId}-${l}`, partnerId, borrowerId, identityHash: `id-${borrowerId}` },
            { disbursedOn: '2031-01-11' },
          );
          await stores().loans.book(
            loan,
            installments.map((i) => ({ ...i, partnerId, borrowerId })),
          );
        }
      }
      const pages = await pagesOf(stores().dueIndex, '2031-02-11', 2, 3);
      expect(pages.flat().map(ownerOf)).toEqual(
        plan.flatMap(([borrowerId, loans]) => Array(loans).fill(`${partnerId}#${borrowerId}`)),
      );
      for (let n = 1; n < pages.length; n++) {
        const before = pages[n - 1] as InstallmentRecord[];
        const last = ownerOf(before.at(-1) as InstallmentRecord);
        if (ownerOf((pages[n] as InstallmentRecord[])[0] as InstallmentRecord) === last)
          expect(new Set(before.map(ownerOf))).toEqual(new Set([last]));
      }
    });

    it('finds nothing in a shard with nothing due', async () => {
      const page = await stores().dueIndex.findDuePage('2031-02-12', 0, undefined, 10);
      expect(page.installments).toEqual([]);
      expect(page.next).toBeUndefined();
    });
  });
}

describe.each(targets)('DueInstallmentStore on $name', (target) => dueInstallmentStoreContract(target));
