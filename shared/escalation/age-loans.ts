import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { NewlyPastDue } from '#shared/collection/early-warning.ts';
import { decideEpisodeStart } from '#shared/collection/episodes.ts';
import { openEpisode } from '#shared/collection/ladder.ts';
import { changeStanding } from '#shared/collection/standing.ts';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import { addDays } from '#shared/lending/calendar.ts';
import { bucketOf, daysPastDue } from '#shared/lending/delinquency.ts';
import { accrueLoanPenalty } from '#shared/lending/penalty.ts';
import type { PastDueLoan, PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import { loanDelta, markVintageDelinquency, principalOutstanding } from '#shared/lending/portfolio-tally.ts';
import type { Bucket, LocalDate } from '#shared/lending/types.ts';
import { recordBy } from '#shared/observability/metrics.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { EscalationDeps } from './escalation-deps.ts';
import { judgePromises } from './judge-promises.ts';
import { startEpisode } from './start-episode.ts';
import { takePortfolioSnapshot } from './take-portfolio-snapshot.ts';

export interface AgeingResult {
  /** Loans past due read through the ageing index (the current book is not read). */
  loansRead: number;
  byBucket: Partial<Record<Bucket, { loans: number; outstanding: number }>>;
  nonPerforming: number;
  chargedOff: number;
  /** Episodes the sweep had not started (a missed run) that this run started. */
  episodesStarted: number;
  openEpisodes: number;
  /** Promises to pay judged this run (the day after their date). */
  promisesKept: number;
  promisesBroken: number;
  /** The business date's portfolio snapshot (the one stored first, on a rerun). */
  portfolio: PortfolioSnapshot;
  /** Loans past due at most `overdueElsewhereWithinDays`: their borrowers' loans elsewhere may be warned. */
  newlyPastDue: NewlyPastDue[];
}

/**
 * Flow "Age" (daily, lender time): promises to pay judged the day after their date; for the loans past due only, days past due and bucket; the
 * non-performing and charge-off transitions, each once per loan with its event; the start of any
 * episode a missed sweep left unstarted; metrics by bucket, count and outstanding; and the day's portfolio
 * snapshot, from the running totals and the loans past due read here (the current book is never read).
 */
export async function ageLoans(deps: EscalationDeps, businessDate: LocalDate): Promise<AgeingResult> {
  // First, so the loans aged below (and the rungs after) see the promises closed.
  const judged = await judgePromises(deps, businessDate);
  const loans = await deps.repos.ageing.findLoansPastDue(businessDate);
  const pastDue: PastDueLoan[] = [];
  const result: Omit<AgeingResult, 'portfolio'> = {
    newlyPastDue: [],
    loansRead: loans.length,
    byBucket: {},
    nonPerforming: 0,
    chargedOff: 0,
    episodesStarted: 0,
    openEpisodes: 0,
    promisesKept: judged.kept,
    promisesBroken: judged.broken,
  };
  for (const listed of loans) {
    const aged = await ageLoan(deps, listed.loanId, businessDate);
    if (!aged) continue;
    const slot = result.byBucket[aged.bucket] ?? { loans: 0, outstanding: 0 };
    result.byBucket[aged.bucket] = {
      loans: slot.loans + 1,
      outstanding: slot.outstanding + aged.outstanding,
    };
    result.nonPerforming += aged.made.includes('non_performing') ? 1 : 0;
    result.chargedOff += aged.made.includes('charged_off') ? 1 : 0;
    // What the snapshot reads of the loans past due; the rest of the book comes from the running totals.
    if (aged.loan.status === 'active' && aged.dpd > 0)
      pastDue.push({ partnerId: aged.loan.partnerId, dpd: aged.dpd, outstanding: aged.principal });
    if (
      aged.loan.status === 'active' &&
      aged.dpd > 0 &&
      aged.dpd <= deps.rules.earlyWarning.overdueElsewhereWithinDays
    )
      result.newlyPastDue.push({
        loanId: aged.loan.loanId,
        partnerId: aged.loan.partnerId,
        identityHash: aged.loan.identityHash,
        since: addDays(businessDate, -aged.dpd),
      });
    // Catch-up only: past the day the sweep starts an episode (grace end + 1), or an episode a crash left
    // unstarted. A loan the sweep will start today is left to it; only such a loan is read again.
    const sweepsDayPassed = aged.dpd > deps.rules.delinquency.graceDays + 1;
    const due = decideEpisodeStart(aged.loan, aged.installments, deps.clock.now(), deps.rules);
    const catchUp = due !== undefined && (sweepsDayPassed || !due.opens);
    const started = catchUp && (await startEpisode(deps, aged.loan.loanId)) === 'started';
    if (started) result.episodesStarted += 1;
    if (started || openEpisode(aged.loan)) result.openEpisodes += 1;
  }
  emitMetrics(deps, result);
  const portfolio = await takePortfolioSnapshot(deps, businessDate, pastDue);
  return { ...result, portfolio };
}

async function ageLoan(deps: EscalationDeps, loanId: string, today: LocalDate) {
  const { rules } = deps;
  for (;;) {
    const current = await deps.repos.loans.getLoanWithInstallments(loanId);
    if (!current) return undefined;
    const installments = accrueLoanPenalty(current.loan, current.installments, today, rules);
    const dpd = daysPastDue(installments, today, rules);
    const at = deps.clock.now().toISOString();
    const marked = markVintageDelinquency(current.loan, dpd, today, rules);
    const { loan, made } = changeStanding(marked.loan, dpd, today, at, rules);
    // Published before the transition is saved: a crash between the two publishes again, never loses it.
    await deps.events.publish(transitionEvents(loan, made, dpd, at));
    try {
      if (made.length > 0 || marked.vintage) {
        const delta = loanDelta(current, { loan, installments });
        await deps.repos.loans.saveInstallments(loan, current.loan.version, [], {
          events: [],
          portfolio: marked.vintage ? { ...delta, vintage: marked.vintage } : delta,
        });
      }
    } catch (err) {
      if (err instanceof LoanVersionConflict) continue;
      throw err;
    }
    const owed = installments.reduce((sum, i) => sum + outstanding(i).total, 0);
    const principal = principalOutstanding(installments);
    return { loan, installments, dpd, made, bucket: bucketOf(dpd, rules), outstanding: owed, principal };
  }
}

function transitionEvents(loan: LoanRecord, made: string[], dpd: number, at: string): DomainEvent[] {
  const detail = {
    loanId: loan.loanId,
    partnerId: loan.partnerId,
    borrowerId: loan.borrowerId,
    daysPastDue: dpd,
  };
  return [
    ...(made.includes('non_performing') ? [{ type: 'LoanNonPerforming' as const, at, detail }] : []),
    ...(made.includes('charged_off') ? [{ type: 'LoanChargedOff' as const, at, detail }] : []),
  ];
}

/** EMF by bucket (count and outstanding), transitions, and open episodes (the executions quota alarm). */
function emitMetrics(deps: EscalationDeps, result: Omit<AgeingResult, 'portfolio'>): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  for (const [bucket, slot] of Object.entries(result.byBucket)) {
    recordBy(metrics, 'LoansByBucket', MetricUnit.Count, slot.loans, { bucket });
    recordBy(metrics, 'OutstandingByBucket', MetricUnit.NoUnit, slot.outstanding, { bucket });
  }
  metrics.addMetric('LoansNonPerforming', MetricUnit.Count, result.nonPerforming);
  metrics.addMetric('LoansChargedOff', MetricUnit.Count, result.chargedOff);
  metrics.addMetric('EpisodesStartedByAgeing', MetricUnit.Count, result.episodesStarted);
  metrics.addMetric('OpenEscalationEpisodes', MetricUnit.Count, result.openEpisodes);
  metrics.addMetric('PromisesKept', MetricUnit.Count, result.promisesKept);
  metrics.addMetric('PromisesBroken', MetricUnit.Count, result.promisesBroken);
}
