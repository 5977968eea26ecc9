import { seededRandom } from '#local/simulation/faults.ts';
import { provinceCodeOf } from '#shared/identity/prc-id.ts';
import { instantAt, minuteOfDay } from '#shared/lending/calendar.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import type { StressScenario } from '#shared/schemas/stress-scenario.ts';

/** Exactly round(share × n) of the items, picked by a seeded shuffle: the same seed picks the same ones. */
function pick<T>(items: readonly T[], share: number, random: () => number): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled.slice(0, Math.round(share * items.length));
}

/**
 * The shocked book: from the scenario's date, the missing borrowers' payments dropped, the late ones'
 * moved `days` later, and a hardship wave on the disaster province's loans (at 10:00 lender time on its
 * day). Everything before the date, and every other borrower, is as given; the picks depend only on the
 * file's order and the seed.
 */
export function shockPortfolio(
  portfolio: Portfolio,
  scenario: StressScenario,
  seed: number,
  timeZone: string,
): Portfolio {
  const random = seededRandom(seed ^ 0x5eed);
  const from = instantAt(scenario.from, 0, timeZone).getTime();
  const ids = portfolio.borrowers.map((b) => b.borrowerId);
  const missing = new Set(pick(ids, scenario.missShare, random));
  const others = ids.filter((id) => !missing.has(id));
  const lateShare = scenario.late
    ? Math.min(1, scenario.late.share / Math.max(1e-9, 1 - scenario.missShare))
    : 0;
  const late = new Set(scenario.late ? pick(others, lateShare, random) : []);
  const borrowerOf = new Map(portfolio.loans.map((l) => [l.loanId, l.borrowerId]));
  const shifted = (scenario.late?.days ?? 0) * 86_400_000;
  const payments = portfolio.payments.flatMap((p) => {
    const borrower = borrowerOf.get(p.loanId) ?? '';
    if (Date.parse(p.paidAt) < from) return [p];
    if (missing.has(borrower)) return [];
    if (late.has(borrower)) return [{ ...p, paidAt: new Date(Date.parse(p.paidAt) + shifted).toISOString() }];
    return [p];
  });
  return {
    ...portfolio,
    payments,
    hardship: [...portfolio.hardship, ...hardshipWave(portfolio, scenario, random, timeZone)],
  };
}

function hardshipWave(
  portfolio: Portfolio,
  scenario: StressScenario,
  random: () => number,
  timeZone: string,
): Portfolio['hardship'] {
  const disaster = scenario.disaster;
  if (!disaster) return [];
  const inProvince = new Set(
    portfolio.borrowers
      .filter((b) => provinceCodeOf(b.idNumber) === disaster.province)
      .map((b) => b.borrowerId),
  );
  const loans = portfolio.loans.filter((l) => inProvince.has(l.borrowerId)).map((l) => l.loanId);
  const requestedAt = instantAt(disaster.on ?? scenario.from, minuteOfDay('10:00'), timeZone).toISOString();
  return pick(loans, disaster.hardshipShare, random).map((loanId) => ({
    loanId,
    requestedAt,
    reason: disaster.reason,
    deferralDays: disaster.deferralDays,
  }));
}
