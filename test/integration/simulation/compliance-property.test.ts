import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { addDays, instantAt, localDateOf } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { checkCompliance } from '../../support/compliance.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

/** Simulations read the table's stream after every step: a DynamoDB Local of this file's own. */
const db = fileDynamoDb();

const FROM = '2027-03-01';
const zones = ['Asia/Shanghai', 'America/New_York', 'America/Los_Angeles', 'Europe/London'];

const borrowerArb = fc.record({
  timezone: fc.constantFrom(...zones),
  optOut: fc.subarray(['sms', 'email'] as const),
  hasEmail: fc.boolean(),
  consents: fc.option(
    fc.record({
      contactBySms: fc.boolean(),
      contactByEmail: fc.boolean(),
      shareWithCollectionAgencies: fc.boolean(),
      sensitiveData: fc.constant(true),
    }),
    { nil: undefined },
  ),
  loans: fc.array(
    fc.record({
      disbursedDay: fc.integer({ min: 0, max: 20 }),
      termMonths: fc.integer({ min: 1, max: 2 }),
      // Pay the first installment on some day relative to its due date, or never.
      payOffset: fc.option(fc.integer({ min: -5, max: 12 }), { nil: undefined }),
      payShare: fc.constantFrom(0.3, 1, 1.2),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type BorrowerSpec = typeof borrowerArb extends fc.Arbitrary<infer T> ? T : never;

/** A random little book: several zones, opt-outs, several loans per borrower, payments early, late or never. */
function portfolioOf(borrowers: BorrowerSpec[]): Portfolio {
  const p: Portfolio = {
    timezone: 'Asia/Shanghai',
    partners: [{ partnerId: 'p', name: 'P' }],
    borrowers: [],
    loans: [],
    payments: [],
    hardship: [],
    applications: [],
  };
  borrowers.forEach((b, i) => {
    p.borrowers.push({
      borrowerId: `b${i}`,
      partnerId: 'p',
      name: 'N',
      phone: `+861370000${String(i).padStart(4, '0')}`,
      email: b.hasEmail ? `b${i}@example.com` : undefined,
      idNumber: withCheckChar(`31010419900101${String(i).padStart(3, '0')}`),
      timezone: b.timezone,
      optOut: [...b.optOut],
      ...(b.consents ? { consents: b.consents } : {}),
    });
    b.loans.forEach((l, j) => {
      const loan = {
        loanId: `L${i}-${j}`,
        borrowerId: `b${i}`,
        partnerId: 'p',
        principal: 100_000,
        aprBps: 1800,
        termMonths: l.termMonths,
        repaymentMethod: 'equal_installment' as const,
        disbursedOn: addDays('2027-02-01', l.disbursedDay),
      };
      p.loans.push(loan);
      if (l.payOffset !== undefined) {
        const first = buildSchedule(loan, defaultRules)[0];
        if (!first) return;
        // Never before the run starts (a payment before --from is an error in a portfolio).
        const paidOn = addDays(first.dueDate, l.payOffset);
        const paidAt = instantAt(paidOn < FROM ? FROM : paidOn, 14 * 60, 'Asia/Shanghai');
        p.payments.push({
          paymentId: `pay-${i}-${j}`,
          loanId: loan.loanId,
          amount: Math.round(first.amountDue * l.payShare),
          paidAt: paidAt.toISOString(),
        });
      }
    });
  });
  return p;
}

/** One due-index shard: a small book needs no spread, and the runs stay quick enough for 100 of them. */
const smallBookRules = loadRules({ schedule: { dueIndexShards: 1 } });
const faultMixes = [
  '',
  'sns=0.1,crash=0.05,dup=0.1',
  'death=0.1,redeliver=0.2',
  'throttle=0.5,bus=0.2,dup=0.3',
  'death=0.05,redeliver=0.1,throttle=0.3,bus=0.1,dup=0.2,sns=0.1',
];

/**
 * Each book is a 24-day simulation through the real handlers (about 9 s on the 2-core machine): 25 in
 * `npm test`, `COMPLIANCE_RUNS=100` for the long run (about 15 minutes alone).
 */
const RUNS = Number(process.env.COMPLIANCE_RUNS ?? 25);

describe('compliance in any simulation', () => {
  it(
    `keeps every collection rule, counted per message in the borrower zone, over ${RUNS} generated books under faults`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(borrowerArb, { minLength: 1, maxLength: 3 }),
          fc.integer({ min: 1, max: 1000 }),
          fc.constantFrom(...faultMixes),
          async (borrowers, seed, faults) => {
            const portfolio = portfolioOf(borrowers);
            const result = await runSimulation({
              portfolio,
              from: FROM,
              days: 24,
              faults: parseFaults(faults),
              seed,
              rules: smallBookRules,
              dynamodbEndpoint: db.endpoint(),
            });
            expect(checkCompliance(result.contacts, portfolio, smallBookRules)).toEqual([]);
            const sent = result.contacts.filter(
              (c) => c.status === 'sent' && (c.channel === 'sms' || c.channel === 'email'),
            );
            for (const c of sent) {
              const payment = portfolio.payments.find((p) => p.loanId === c.loanId);
              const loan = portfolio.loans.find((l) => l.loanId === c.loanId);
              const first = loan ? buildSchedule(loan, defaultRules)[0] : undefined;
              // Paid within grace, the amount due settles it; later, penalty has accrued and may stay owed.
              const inGrace =
                first &&
                payment &&
                localDateOf(payment.paidAt, 'Asia/Shanghai') <=
                  addDays(first.dueDate, defaultRules.delinquency.graceDays);
              if (payment && first && inGrace && c.installmentNo === 1 && payment.amount >= first.amountDue) {
                expect(Date.parse(c.at)).toBeLessThan(Date.parse(payment.paidAt));
              }
              expect(localDateOf(c.at, 'Asia/Shanghai') >= FROM).toBe(true);
            }
            const keys = sent.map((c) => `${c.loanId}#${c.installmentNo}#${c.stage}#${c.channel}`);
            expect(new Set(keys).size).toBe(keys.length);
            expect(result.summary.faults.deadLetters).toBe(0);
          },
        ),
        { numRuns: RUNS, seed: 2027 },
      );
    },
    RUNS * 60_000,
  );
});
