import { seededRandom } from '#local/simulation/faults.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { addDays, instantAt } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';

export interface DemoBookOptions {
  /** @default 100 */
  loans?: number;
  /** First simulated day: the book is disbursed around it (see `disbursedOn`). */
  from: string;
  /** @default 1 */
  seed?: number;
}

type Behaviour = 'on_time' | 'early' | 'late_in_grace' | 'partial' | 'stops_paying' | 'never_pays';

/** How the demo's borrowers pay, in shares of the book (roughly a stressed consumer book). */
const BEHAVIOURS: [Behaviour, number][] = [
  ['on_time', 0.55],
  ['early', 0.12],
  ['late_in_grace', 0.1],
  ['partial', 0.08],
  ['stops_paying', 0.08],
  ['never_pays', 0.07],
];

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

function behaviourOf(random: () => number): Behaviour {
  let r = random();
  for (const [behaviour, share] of BEHAVIOURS) {
    if (r < share) return behaviour;
    r -= share;
  }
  return 'on_time';
}

/** A 17-digit ID body (Shenzhen, born in 1980–1999) completed with its check character. */
function idNumber(n: number, random: () => number): string {
  const year = 1980 + Math.floor(random() * 20);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  return withCheckChar(`440305${year}${month}${day}${String(n % 1000).padStart(3, '0')}`);
}

/**
 * The seeded demo book of `npm start`: one partner, `loans` borrowers with a loan each (1–6 months,
 * three repayment methods, disbursed from three months before `from` to a month after it), their
 * payments by behaviour (on time, early, late in grace, partial, stopping after the first installment,
 * never paying), a few hardship requests and applications to score. Deterministic for a seed. Phone
 * numbers and IDs are made up; the simulator encrypts and hashes them as it would real ones.
 */
export function demoBook(options: DemoBookOptions): Portfolio {
  const random = seededRandom(options.seed ?? 1);
  const count = options.loans ?? 100;
  const rules = defaultRules;
  const tz = rules.timezone;
  const book: Portfolio = {
    timezone: tz,
    partners: [{ partnerId: 'p-demo', name: 'Demo Loans' }],
    borrowers: [],
    loans: [],
    payments: [],
    hardship: [],
    applications: [],
  };
  const at = (date: string, minute: number) => instantAt(date, minute, tz).toISOString();
  for (let n = 1; n <= count; n++) {
    const borrowerId = `u${n}`;
    const english = random() < 0.25;
    const id = idNumber(n, random);
    book.borrowers.push({
      borrowerId,
      partnerId: 'p-demo',
      name: english ? `Demo Borrower ${n}` : `演示用户${n}`,
      phone: `+86138${String(n).padStart(8, '0')}`,
      ...(random() < 0.6 ? { email: `demo${n}@example.com` } : {}),
      idNumber: id,
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      language: english ? 'en' : 'zh-CN',
      ...(english && random() < 0.3 ? { timezone: 'America/Los_Angeles' } : {}),
      ...(random() < 0.05 ? { optOut: ['sms' as const] } : {}),
    });
    const loanId = `DL${String(n).padStart(4, '0')}`;
    const behaviour = behaviourOf(random);
    const repaymentMethod = pick(random, [
      'equal_installment',
      'equal_installment',
      'equal_principal',
      'bullet',
    ] as const);
    const termMonths = repaymentMethod === 'bullet' ? 1 : pick(random, [3, 3, 6, 6, 12]);
    const loan = {
      loanId,
      borrowerId,
      partnerId: 'p-demo',
      principal: (5 + Math.floor(random() * 60)) * 100_00,
      aprBps: pick(random, [1000, 1400, 1800, 2000]),
      termMonths,
      repaymentMethod,
      // Payments replay from the first simulated day on, so only a loan that never pays may start its run
      // already past due (up to about 50 days, to reach non-performing within the demo); the others fall
      // due inside the run.
      disbursedOn:
        behaviour === 'never_pays'
          ? addDays(options.from, -80 + Math.floor(random() * 60))
          : addDays(options.from, -27 + Math.floor(random() * 50)),
    };
    book.loans.push(loan);
    const schedule = buildSchedule(loan, rules);
    for (const inst of schedule) {
      const pay = (date: string, amount: number) =>
        book.payments.push({
          paymentId: `${loanId}-${inst.installmentNo}`,
          loanId,
          amount,
          paidAt: at(date, 10 * 60 + Math.floor(random() * 600)),
        });
      if (behaviour === 'never_pays') break;
      if (behaviour === 'stops_paying' && inst.installmentNo > 1) break;
      if (behaviour === 'on_time' || behaviour === 'stops_paying') pay(inst.dueDate, inst.amountDue);
      else if (behaviour === 'early') pay(addDays(inst.dueDate, -2), inst.amountDue);
      else if (behaviour === 'late_in_grace') pay(addDays(inst.dueDate, 2), inst.amountDue);
      else pay(inst.dueDate, Math.round(inst.amountDue / 2));
    }
    if (behaviour === 'late_in_grace' && random() < 0.2 && schedule[0]) {
      book.hardship.push({
        loanId,
        requestedAt: at(addDays(schedule[0].dueDate, -5), 11 * 60),
        reason: pick(random, ['illness', 'unemployment', 'natural_disaster'] as const),
        deferralDays: 20,
      });
    }
  }
  for (let n = 1; n <= 12; n++) {
    const income = pick(random, [300_000, 800_000, 1_500_000, 2_500_000]);
    const applicantId = idNumber(500 + n, random);
    book.applications.push({
      at: at(addDays(options.from, n * 4), 10 * 60),
      partnerId: 'p-demo',
      body: {
        borrowerId: `applicant-${n}`,
        applicant: {
          idNumber: applicantId,
          name: `申请人${n}`,
          phone: `+86139${String(n).padStart(8, '0')}`,
          birthDate: `${applicantId.slice(6, 10)}-${applicantId.slice(10, 12)}-${applicantId.slice(12, 14)}`,
          employment: {
            status: pick(random, ['employed', 'employed', 'self_employed', 'unemployed'] as const),
            monthsInCurrentJob: Math.floor(random() * 60),
            monthlyIncome: income,
          },
          monthlyDebtPayments: Math.floor(income * random() * 0.5),
        },
        bureau: {
          activeLoansOtherLenders: Math.floor(random() * 6),
          inquiriesLast90Days: Math.floor(random() * 9),
          worstDpdLast12Months: pick(random, [0, 0, 0, 15, 45, 95]),
          creditHistoryMonths: Math.floor(random() * 100),
        },
        request: {
          amount: pick(random, [300_000, 800_000, 2_000_000]),
          termMonths: pick(random, [3, 6, 12]),
          repaymentMethod: 'equal_installment',
        },
      },
    });
  }
  return book;
}
