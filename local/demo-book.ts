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

type Behaviour =
  | 'on_time'
  | 'early'
  | 'late_in_grace'
  | 'partial'
  | 'promise_kept'
  | 'promise_broken'
  | 'hardship'
  | 'second_delinquency'
  | 'stops_paying'
  | 'never_pays'
  | 'charged_off';

/** How the demo's borrowers pay, in shares of the book (roughly a stressed consumer book). */
const BEHAVIOURS: [Behaviour, number][] = [
  ['on_time', 0.4],
  ['early', 0.1],
  ['late_in_grace', 0.1],
  ['partial', 0.07],
  ['promise_kept', 0.05],
  ['promise_broken', 0.05],
  ['hardship', 0.04],
  ['second_delinquency', 0.06],
  ['stops_paying', 0.06],
  ['never_pays', 0.04],
  ['charged_off', 0.03],
];

/** Two partners, so the snapshot has a book per partner and one of them holds the larger share. */
const PARTNERS: [string, number][] = [
  ['p-demo', 0.6],
  ['p-other', 0.4],
];
/** Residence areas (the ID's first 6 digits) by share: Guangdong holds half, for the province view. */
const AREAS: [string, number][] = [
  ['440305', 0.5], // Shenzhen, Guangdong (44)
  ['310104', 0.2], // Shanghai (31)
  ['110105', 0.15], // Beijing (11)
  ['510107', 0.15], // Chengdu, Sichuan (51)
];

const maxDate = (a: string, b: string) => (a > b ? a : b);

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

function weighted<T>(random: () => number, shares: readonly [T, number][]): T {
  let r = random();
  for (const [item, share] of shares) {
    if (r < share) return item;
    r -= share;
  }
  return (shares[0] as [T, number])[0];
}

/** A 17-digit ID body (an area of `AREAS`, born in 1980–1999) completed with its check character. */
function idNumber(n: number, random: () => number, area = '440305'): string {
  const year = 1980 + Math.floor(random() * 20);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  return withCheckChar(`${area}${year}${month}${day}${String(n % 1000).padStart(3, '0')}`);
}

/**
 * Days from the first simulated day to disbursement. Payments replay from the first day on, so only a loan
 * that does not pay starts its run past due: never paying, up to about 50 days (non-performing within
 * the demo); charged off, a bullet due 65–75 days before, which reaches 120 days within 60. The others
 * fall due inside the run; a second delinquency's second installment a month after its first.
 */
function disbursedFrom(behaviour: Behaviour, random: () => number): number {
  if (behaviour === 'never_pays') return -80 + Math.floor(random() * 60);
  if (behaviour === 'charged_off') return -105 + Math.floor(random() * 10);
  if (behaviour === 'second_delinquency') return -25 + Math.floor(random() * 15);
  return -27 + Math.floor(random() * 50);
}

/**
 * The seeded demo book of `npm start`: `loans` borrowers with a loan each at two partners (60/40), from
 * four provinces (half Guangdong), 1–12 months, three repayment methods, disbursed from about three
 * months before `from` to a month after it; their payments by behaviour (on time, early, late in grace,
 * partial, a promise kept, a promise broken, a hardship deferral, cured then delinquent again, stopping
 * after the first installment, never paying, charged off within the run), a few more hardship requests
 * and applications to score. Deterministic for a seed. Phone numbers and IDs are made up; the simulator
 * encrypts and hashes them as it would real ones.
 */
export function demoBook(options: DemoBookOptions): Portfolio {
  const random = seededRandom(options.seed ?? 1);
  const count = options.loans ?? 100;
  const rules = defaultRules;
  const tz = rules.timezone;
  const book: Portfolio = {
    timezone: tz,
    partners: [
      { partnerId: 'p-demo', name: 'Demo Loans' },
      { partnerId: 'p-other', name: 'Other Lending App' },
    ],
    borrowers: [],
    loans: [],
    payments: [],
    hardship: [],
    applications: [],
    promises: [],
  };
  const at = (date: string, minute: number) => instantAt(date, minute, tz).toISOString();
  for (let n = 1; n <= count; n++) {
    const borrowerId = `u${n}`;
    const english = random() < 0.25;
    const id = idNumber(n, random, weighted(random, AREAS));
    const partnerId = weighted(random, PARTNERS);
    book.borrowers.push({
      borrowerId,
      partnerId,
      name: english ? `Demo Borrower ${n}` : `演示用户${n}`,
      // One in fifty on a number no SMS reaches: the carrier refuses it (UNDELIVERABLE).
      phone: `+86${n % 50 === 17 ? '140' : '138'}${String(n).padStart(8, '0')}`,
      ...(random() < 0.6 ? { email: `demo${n}@example.com` } : {}),
      idNumber: id,
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      language: english ? 'en' : 'zh-CN',
      ...(english && random() < 0.3 ? { timezone: 'America/Los_Angeles' } : {}),
      ...(random() < 0.05 ? { optOut: ['sms' as const] } : {}),
    });
    const loanId = `DL${String(n).padStart(4, '0')}`;
    const behaviour = weighted(random, BEHAVIOURS);
    // A second delinquency needs a second installment; a charge-off comes soonest on a one-month bullet.
    const repaymentMethod =
      behaviour === 'second_delinquency'
        ? 'equal_installment'
        : behaviour === 'charged_off'
          ? 'bullet'
          : pick(random, ['equal_installment', 'equal_installment', 'equal_principal', 'bullet'] as const);
    const termMonths = repaymentMethod === 'bullet' ? 1 : pick(random, [3, 3, 6, 6, 12]);
    const loan = {
      loanId,
      borrowerId,
      partnerId,
      principal: (5 + Math.floor(random() * 60)) * 100_00,
      aprBps: pick(random, [1000, 1400, 1800, 2000]),
      termMonths,
      repaymentMethod,
      disbursedOn: addDays(options.from, disbursedFrom(behaviour, random)),
    };
    book.loans.push(loan);
    const schedule = buildSchedule(loan, rules);
    const pay = (no: number, date: string, amount: number, suffix = '') =>
      book.payments.push({
        paymentId: `${loanId}-${no}${suffix}`,
        loanId,
        amount,
        paidAt: at(date, 10 * 60 + Math.floor(random() * 600)),
      });
    for (const inst of schedule) {
      const no = inst.installmentNo;
      const first = no === 1;
      if (behaviour === 'never_pays' || behaviour === 'charged_off') break;
      if (behaviour === 'stops_paying' && !first) break;
      if (behaviour === 'second_delinquency' && !first) break;
      if (behaviour === 'early') pay(no, addDays(inst.dueDate, -2), inst.amountDue);
      else if (behaviour === 'late_in_grace') pay(no, addDays(inst.dueDate, 2), inst.amountDue);
      else if (behaviour === 'partial') pay(no, inst.dueDate, Math.round(inst.amountDue / 2));
      // Its plan moves every unpaid due date by 30 days; it pays on the new ones.
      else if (behaviour === 'hardship') pay(no, addDays(inst.dueDate, 30), inst.amountDue);
      // Delinquent past grace, then cured with the penalty: the episode ends, the next one comes later.
      else if (behaviour === 'second_delinquency' || (first && behaviour === 'promise_kept'))
        pay(no, addDays(inst.dueDate, behaviour === 'promise_kept' ? 10 : 12), inst.amountDue + 2_000);
      // A broken promise: nothing by its date, the installment paid a fortnight after it.
      else if (first && behaviour === 'promise_broken')
        pay(no, addDays(inst.dueDate, 25), inst.amountDue + 3_000);
      else pay(no, inst.dueDate, inst.amountDue);
    }
    const firstDue = schedule[0];
    if (!firstDue) continue;
    if (behaviour === 'promise_kept' || behaviour === 'promise_broken') {
      // Six days past due the borrower promises, in the partner's app, to pay within four days.
      book.promises?.push({
        loanId,
        at: at(addDays(firstDue.dueDate, 6), 15 * 60),
        date: addDays(firstDue.dueDate, 10),
        // The past-due installment with its few days of penalty: a promise must cover at least that.
        amount: firstDue.amountDue + 1_000,
      });
    }
    const asksForTime = behaviour === 'hardship' || (behaviour === 'late_in_grace' && random() < 0.2);
    if (asksForTime) {
      book.hardship.push({
        loanId,
        // Five days before the first due date, or the first simulated day if that is later.
        requestedAt: at(maxDate(addDays(firstDue.dueDate, -5), options.from), 11 * 60),
        reason: pick(random, ['illness', 'unemployment', 'natural_disaster'] as const),
        deferralDays: behaviour === 'hardship' ? 30 : 20,
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
        consents: {
          contactBySms: true,
          contactByEmail: true,
          shareWithCollectionAgencies: false,
          sensitiveData: true,
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
