import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { addDays, instantAt, localDateOf, toZoned } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';

const FROM = '2027-03-01';
const zones = ['Asia/Shanghai', 'America/New_York', 'America/Los_Angeles', 'Europe/London'];

const borrowerArb = fc.record({
  timezone: fc.constantFrom(...zones),
  optOut: fc.subarray(['sms', 'email'] as const),
  hasEmail: fc.boolean(),
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
        const paidAt = instantAt(addDays(first.dueDate, l.payOffset), 14 * 60, 'Asia/Shanghai');
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

describe('compliance in any simulation', () => {
  it('never contacts outside 08:00–21:00 local, over a daily cap, on an opted-out channel, or after the installment was paid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(borrowerArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1000 }),
        async (borrowers, seed) => {
          const portfolio = portfolioOf(borrowers);
          const result = await runSimulation({
            portfolio,
            from: FROM,
            days: 40,
            faults: parseFaults('sns=0.1,crash=0.05,dup=0.1'),
            seed,
            dynamodbEndpoint: inject('dynamodbEndpoint'),
          });
          const sent = result.contacts.filter(
            (c) => c.status === 'sent' && (c.channel === 'sms' || c.channel === 'email'),
          );
          // Tasks for people are not messages: the desk calls within the window; here, the daily cap.
          const agentTasks = new Map<string, number>();
          for (const c of result.contacts.filter((c) => c.channel === 'agent' && c.status === 'sent')) {
            const key = `${c.borrowerId}|${c.at.slice(0, 10)}`;
            agentTasks.set(key, (agentTasks.get(key) ?? 0) + 1);
          }
          for (const count of agentTasks.values())
            expect(count).toBeLessThanOrEqual(defaultRules.contact.maxAgentTasksPerBorrowerPerDay);
          const perDay = new Map<string, Set<string>>();
          for (const c of sent) {
            const b = portfolio.borrowers.find((x) => x.borrowerId === c.borrowerId);
            const tz = b?.timezone ?? 'Asia/Shanghai';
            const local = toZoned(c.at, tz);
            expect(local.minuteOfDay).toBeGreaterThanOrEqual(8 * 60);
            expect(local.minuteOfDay).toBeLessThan(21 * 60);
            expect(b?.optOut ?? []).not.toContain(c.channel);
            // One message may list several loans: count distinct instants per person, day and channel.
            const key = `${c.borrowerId}|${local.date}|${c.channel}`;
            perDay.set(key, (perDay.get(key) ?? new Set()).add(c.at));
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
          for (const [key, instants] of perDay) {
            const cap = key.endsWith('|sms')
              ? defaultRules.contact.maxSmsPerBorrowerPerDay
              : defaultRules.contact.maxEmailsPerBorrowerPerDay;
            expect(instants.size).toBeLessThanOrEqual(cap);
          }
          const keys = sent.map((c) => `${c.loanId}#${c.installmentNo}#${c.stage}#${c.channel}`);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
      { numRuns: 6, seed: 2027 },
    );
  }, 300_000);
});
