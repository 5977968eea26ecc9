import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#local/manual-clock.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import { addDays, instantAt } from '#shared/lending/calendar.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repos: Repositories;
beforeAll(async () => {
  table = await createTestTable();
  repos = createRepositories(table.client, table.tableName, defaultRules);
});
afterAll(() => table.drop());

let loans = 0;

describe('payment service', () => {
  it('allocates exactly what is paid, for any sequence of payments, and no component goes negative', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ amount: fc.integer({ min: 1, max: 150_000 }), day: fc.integer({ min: 0, max: 120 }) }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        async (payments) => {
          loans += 1;
          const loanId = `prop-${loans}`;
          const { loan, installments } = loanFixture({ loanId, partnerId: 'p' });
          await repos.loans.book(loan, installments);
          const clock = new ManualClock(new Date('2027-05-10T02:00:00Z'));
          const deps = {
            repos,
            events: new RecordingEventBus(),
            clock,
            rules: defaultRules,
          };
          const sorted = [...payments].sort((a, b) => a.day - b.day);
          for (const [i, p] of sorted.entries()) {
            const paidAt = instantAt(addDays('2027-05-10', p.day), 12 * 60, 'Asia/Shanghai');
            clock.set(paidAt);
            await applyPayment(deps, 'p', loanId, {
              paymentId: `p${i}`,
              amount: p.amount,
              paidAt: paidAt.toISOString(),
            });
          }
          const after = await repos.loans.getLoanWithInstallments(loanId);
          if (!after) throw new Error('loan vanished');
          const paidIn = after.installments.reduce(
            (s, i) => s + i.principalPaid + i.interestPaid + i.feePaid + i.penaltyPaid,
            0,
          );
          const posted = payments.reduce((s, p) => s + p.amount, 0);
          expect(paidIn + after.loan.creditBalance).toBe(posted);
          for (const inst of after.installments) {
            const o = outstanding(inst);
            for (const v of [o.fee, o.penalty, o.interest, o.principal]) expect(v).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
