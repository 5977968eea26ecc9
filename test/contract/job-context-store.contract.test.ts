import { describe, expect, it } from 'vitest';
import type { InstallmentRecord, JobKeys } from '#shared/ports/records.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { borrowerFixture, contactKey } from './fixtures.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const t0 = new Date('2027-07-10T01:00:00.000Z');
const at = (installments: InstallmentRecord[], no: number) => installments[no - 1] as InstallmentRecord;

/**
 * The JobContextStore contract: what the sender re-reads for each job of a batch, as stored right now:
 * the borrower, each item's loan, installment and ledger entry (for the job's stage and channel, at the
 * item's due date or the job's episode), and on request every installment and the whole ledger of each
 * item's loan.
 */
function jobContextStoreContract(target: Target): void {
  const stores = useStores(target);

  /** A borrower with a booked loan of four installments. */
  async function arrange() {
    const b = borrowerFixture({ borrowerId: unique('u') });
    await stores().borrowers.upsert(b);
    const booked = loanFixture(
      { loanId: unique('loan'), partnerId: b.partnerId, borrowerId: b.borrowerId },
      { termMonths: 4 },
    );
    await stores().loans.book(booked.loan, booked.installments);
    const item = (no: number) => ({
      loanId: booked.loan.loanId,
      installmentNo: no,
      dueDate: at(booked.installments, no).dueDate,
    });
    return { borrower: b, ...booked, item };
  }

  const jobOf = (
    b: { partnerId: string; borrowerId: string },
    items: JobKeys['items'],
    more: Partial<JobKeys> = {},
  ): JobKeys => ({
    partnerId: b.partnerId,
    borrowerId: b.borrowerId,
    items,
    stage: 'D+1',
    channel: 'sms',
    ...more,
  });

  it('loads the borrower, and each item’s loan, installment and ledger entry for its due date, stage and channel', async () => {
    const { borrower, loan, installments, item } = await arrange();
    const mine = contactKey(loan.loanId, {
      installmentNo: 3,
      occurrence: item(3).dueDate,
      stage: 'D+1',
      channel: 'sms',
    });
    for (const key of [
      mine,
      { ...mine, channel: 'email' as const },
      { ...mine, stage: 'D0' },
      { ...mine, occurrence: '2027-01-01' },
      { ...mine, occurrence: 'e1' },
      { ...mine, installmentNo: 2 },
    ])
      await stores().contacts.claim(key, t0, 30);

    const [context] = await stores().jobContext.loadMany([jobOf(borrower, [item(3)])]);
    expect(context).toEqual({
      borrower,
      loans: new Map([[loan.loanId, loan]]),
      installments: new Map([[`${loan.loanId}#3`, at(installments, 3)]]),
      ledger: new Map([[`${loan.loanId}#3`, await stores().contacts.get(mine)]]),
      loanHistory: new Map(),
    });
  });

  it('reads a rung’s ledger entry by the job’s episode', async () => {
    const { borrower, loan, item } = await arrange();
    const rung = contactKey(loan.loanId, { occurrence: 'e2', stage: 'soft-call', channel: 'sms' });
    await stores().contacts.claim(rung, t0, 30);
    await stores().contacts.claim({ ...rung, occurrence: 'e1' }, t0, 30);
    await stores().contacts.claim({ ...rung, occurrence: item(1).dueDate }, t0, 30);
    const [context] = await stores().jobContext.loadMany([
      jobOf(borrower, [item(1)], { stage: 'soft-call', episode: 2 }),
    ]);
    expect(context?.ledger).toEqual(new Map([[`${loan.loanId}#1`, await stores().contacts.get(rung)]]));
  });

  it('loads every installment of each item’s loan when asked, and only the item’s otherwise', async () => {
    const { borrower, loan, installments, item } = await arrange();
    const [whole, own] = await stores().jobContext.loadMany([
      jobOf(borrower, [item(2)], { withLoanInstallments: true }),
      jobOf(borrower, [item(2)]),
    ]);
    expect(whole?.installments).toEqual(
      new Map([1, 2, 3, 4].map((no) => [`${loan.loanId}#${no}`, at(installments, no)])),
    );
    expect(own?.installments).toEqual(new Map([[`${loan.loanId}#2`, at(installments, 2)]]));
  });

  it('loads every ledger entry of each item’s loan when asked, as the ledger lists them', async () => {
    const { borrower, loan, item } = await arrange();
    const other = await arrange();
    for (const key of [
      contactKey(loan.loanId, { installmentNo: 2, stage: 'D0' }),
      contactKey(loan.loanId, { installmentNo: 1, stage: 'D+1', channel: 'email' }),
      contactKey(other.loan.loanId),
    ])
      await stores().contacts.claim(key, t0, 30);

    const [withHistory, without] = await stores().jobContext.loadMany([
      jobOf(borrower, [item(2)], { withLoanHistory: true }),
      jobOf(borrower, [item(2)]),
    ]);
    expect(withHistory?.loanHistory).toEqual(
      new Map([[loan.loanId, await stores().contacts.listForLoan(loan.loanId)]]),
    );
    expect(withHistory?.loanHistory.get(loan.loanId)).toHaveLength(2);
    expect(without?.loanHistory).toEqual(new Map());
  });

  it('gives an empty history for a loan with no ledger entries when asked', async () => {
    const { borrower, loan, item } = await arrange();
    const [context] = await stores().jobContext.loadMany([
      jobOf(borrower, [item(1)], { withLoanHistory: true }),
    ]);
    expect(context?.loanHistory).toEqual(new Map([[loan.loanId, []]]));
  });

  it('answers each job of a batch with its own context, in order, and leaves out what does not exist', async () => {
    const a = await arrange();
    const b = await arrange();
    const ghost = { partnerId: a.borrower.partnerId, borrowerId: unique('nobody') };
    const contexts = await stores().jobContext.loadMany([
      jobOf(b.borrower, [b.item(1)]),
      jobOf(ghost, [{ loanId: unique('no-loan'), installmentNo: 1, dueDate: '2027-06-10' }]),
      jobOf(a.borrower, [a.item(1), b.item(2)]),
    ]);
    expect(contexts).toHaveLength(3);
    expect(contexts[0]?.borrower).toEqual(b.borrower);
    expect([...(contexts[0]?.loans.keys() ?? [])]).toEqual([b.loan.loanId]);
    expect(contexts[1]).toEqual({
      loans: new Map(),
      installments: new Map(),
      ledger: new Map(),
      loanHistory: new Map(),
    });
    expect(contexts[1]?.borrower).toBeUndefined();
    expect(contexts[2]?.borrower).toEqual(a.borrower);
    expect(contexts[2]?.loans).toEqual(
      new Map([
        [a.loan.loanId, a.loan],
        [b.loan.loanId, b.loan],
      ]),
    );
    expect([...(contexts[2]?.installments.keys() ?? [])].sort()).toEqual(
      [`${a.loan.loanId}#1`, `${b.loan.loanId}#2`].sort(),
    );
    expect(await stores().jobContext.loadMany([])).toEqual([]);
  });

  it('reads what is stored now: a payment since the sweep shows', async () => {
    const { borrower, loan, installments, item } = await arrange();
    const first = at(installments, 1);
    const paid = { ...first, principalPaid: first.principalDue, interestPaid: first.interestDue };
    await stores().loans.saveInstallments(loan, 1, [paid]);
    const [context] = await stores().jobContext.loadMany([jobOf(borrower, [item(1)])]);
    expect(context?.installments.get(`${loan.loanId}#1`)).toEqual(paid);
    expect(context?.loans.get(loan.loanId)?.version).toBe(2);
  });

  it('hands out copies', async () => {
    const { borrower, loan, installments, item } = await arrange();
    const job = jobOf(borrower, [item(1)]);
    const key = contactKey(loan.loanId, { occurrence: item(1).dueDate, stage: job.stage });
    await stores().contacts.claim(key, t0, 30);
    const [first] = await stores().jobContext.loadMany([job]);
    const entry = first?.ledger.get(`${loan.loanId}#1`);
    if (entry) entry.status = 'sent';
    const inst = first?.installments.get(`${loan.loanId}#1`);
    if (inst) inst.principalPaid = 1;
    first?.borrower?.preferences.optOut.push('sms');
    const read = first?.loans.get(loan.loanId);
    if (read) read.status = 'paid_off';
    const [again] = await stores().jobContext.loadMany([job]);
    expect(again?.loans.get(loan.loanId)).toEqual(loan);
    expect(again?.installments.get(`${loan.loanId}#1`)).toEqual(at(installments, 1));
    expect(again?.borrower).toEqual(borrower);
    expect(again?.ledger.get(`${loan.loanId}#1`)).toEqual(await stores().contacts.get(key));
    expect(again?.ledger.get(`${loan.loanId}#1`)?.status).toBe('claimed');
  });
}

describe.each(targets)('JobContextStore on $name', (target) => jobContextStoreContract(target));
