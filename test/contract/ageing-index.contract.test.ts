import { describe, expect, it } from 'vitest';
import type { LoanRecord } from '#shared/ports/records.ts';
import { loanFixture } from '../fixtures/loans.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

const today = '2030-06-15';

/**
 * The AgeingIndex contract: exactly the active loans whose oldest unpaid installment fell due before
 * today, by loan id, following every write of the loan. The tests share one table, so each looks only at
 * its own loans (by id prefix).
 */
function ageingIndexContract(target: Target): void {
  const stores = useStores(target);

  async function pastDue(prefix: string, on = today): Promise<LoanRecord[]> {
    return (await stores().ageing.findLoansPastDue(on)).filter((loan) => loan.loanId.startsWith(prefix));
  }

  it('finds the active loans with something unpaid due before today, by loan id, and no others', async () => {
    const prefix = `${unique('age')}-`;
    const booked = [
      loanFixture({ loanId: `${prefix}c-month`, oldestUnpaidDueDate: '2030-05-15' }),
      loanFixture({ loanId: `${prefix}a-day`, oldestUnpaidDueDate: '2030-06-14' }),
      loanFixture({ loanId: `${prefix}b-today`, oldestUnpaidDueDate: today }),
      loanFixture({ loanId: `${prefix}d-future`, oldestUnpaidDueDate: '2030-07-15' }),
      loanFixture({ loanId: `${prefix}e-nothing-owed`, oldestUnpaidDueDate: undefined }),
      loanFixture({
        loanId: `${prefix}f-charged-off`,
        oldestUnpaidDueDate: '2030-01-15',
        status: 'charged_off',
      }),
      loanFixture({ loanId: `${prefix}g-paid-off`, oldestUnpaidDueDate: '2030-01-15', status: 'paid_off' }),
    ];
    for (const { loan, installments } of booked) await stores().loans.book(loan, installments);
    expect(await pastDue(prefix)).toEqual([booked[1]?.loan, booked[0]?.loan]);
    expect((await pastDue(prefix, '2030-05-15')).map((l) => l.loanId)).toEqual([]);
    expect((await pastDue(prefix, '2030-05-16')).map((l) => l.loanId)).toEqual([`${prefix}c-month`]);
  });

  it('follows the loan: in once something falls due unpaid, out when repaid or charged off', async () => {
    const prefix = `${unique('age')}-`;
    const { loan, installments } = loanFixture({
      loanId: `${prefix}moving`,
      oldestUnpaidDueDate: '2030-07-15',
    });
    await stores().loans.book(loan, installments);
    expect(await pastDue(prefix)).toEqual([]);

    const overdue = { ...loan, oldestUnpaidDueDate: '2030-06-01' };
    await stores().loans.saveInstallments(overdue, 1, []);
    expect(await pastDue(prefix)).toEqual([{ ...overdue, version: 2 }]);

    const repaid = { ...overdue, oldestUnpaidDueDate: undefined };
    await stores().loans.applyPayment(
      {
        loanId: loan.loanId,
        paymentId: 'p1',
        amount: 1,
        paidAt: '2030-06-10T00:00:00.000Z',
        allocations: [],
        credit: 0,
        appliedAt: '2030-06-10T00:00:00.000Z',
      },
      repaid,
      2,
      [],
    );
    expect(await pastDue(prefix)).toEqual([]);

    await stores().loans.saveLoan({ ...overdue, version: 3 }, 3);
    expect((await pastDue(prefix)).map((l) => l.version)).toEqual([4]);
    await stores().loans.saveLoan({ ...overdue, status: 'charged_off' }, 4);
    expect(await pastDue(prefix)).toEqual([]);
  });

  it('hands out copies', async () => {
    const prefix = `${unique('age')}-`;
    const { loan, installments } = loanFixture({
      loanId: `${prefix}copy`,
      oldestUnpaidDueDate: '2030-06-01',
    });
    await stores().loans.book(loan, installments);
    const [found] = await pastDue(prefix);
    if (found) found.status = 'paid_off';
    expect(await pastDue(prefix)).toEqual([loan]);
  });
}

describe.each(targets)('AgeingIndex on $name', (target) => ageingIndexContract(target));
