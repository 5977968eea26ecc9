import type { SimulationResult } from '#local/simulation/run-simulation.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { StressScenario } from '#shared/schemas/stress-scenario.ts';

/** One side's figures of a day (or of the run's last day). */
export interface SideFigures {
  nplRatioBps: number;
  chargedOffLoans: number;
  chargedOffPrincipal: number;
  /** Σ outstanding by bucket × the scenario's PD of the bucket × LGD, fen. */
  expectedLossFen: number;
  /** Contact lines sent that day (messages, rung messages, tasks), per loan. */
  contacts: number;
  /** SMS messages the carrier took (distinct message ids) and what they cost, fen. */
  sms: number;
  smsCostFen: number;
  agentTasks: number;
}

export interface StressComparison {
  scenario: StressScenario;
  from: string;
  days: number;
  seed: number;
  /** Each side on the last simulated day, and its contacts, SMS and tasks over the whole run. */
  total: { baseline: SideFigures; shocked: SideFigures };
  byDay: { date: string; baseline: SideFigures; shocked: SideFigures }[];
}

export function expectedLoss(snapshot: PortfolioSnapshot | undefined, scenario: StressScenario): number {
  if (!snapshot) return 0;
  const { pdBps, lgdBps } = scenario.assumptions;
  const loss = Object.entries(snapshot.total.buckets).reduce(
    (sum, [bucket, f]) => sum + (f.outstanding * (pdBps[bucket] ?? 10_000) * lgdBps) / 100_000_000,
    0,
  );
  return Math.round(loss);
}

/** Baseline and shocked, side by side, per day and at the end (from each run's own files). */
export function compareRuns(
  runs: { baseline: SimulationResult; shocked: SimulationResult },
  options: { scenario: StressScenario; from: string; days: number; seed: number; timeZone: string },
): StressComparison {
  const dates = runs.baseline.portfolio.map((s) => s.date);
  const side = (run: SimulationResult) => {
    // Each sent line's lender-time day, worked out once.
    const byDay = new Map<string, ContactLine[]>();
    const sent = run.contacts.filter((c) => c.status === 'sent');
    for (const line of sent) {
      const day = localDateOf(line.at, options.timeZone);
      byDay.set(day, [...(byDay.get(day) ?? []), line]);
    }
    return (date?: string): SideFigures => {
      const snapshot = date ? run.portfolio.find((s) => s.date === date) : run.portfolio.at(-1);
      const lines = date ? (byDay.get(date) ?? []) : sent;
      const sms = new Set(lines.filter((c) => c.channel === 'sms').map((c) => c.messageId)).size;
      return {
        nplRatioBps: snapshot?.total.nplRatioBps ?? 0,
        chargedOffLoans: snapshot?.total.chargedOff.loans ?? 0,
        chargedOffPrincipal: snapshot?.total.chargedOff.outstanding ?? 0,
        expectedLossFen: expectedLoss(snapshot, options.scenario),
        contacts: lines.length,
        sms,
        smsCostFen: sms * options.scenario.assumptions.smsPriceFen,
        agentTasks: lines.filter((c) => c.channel === 'agent').length,
      };
    };
  };
  const baseline = side(runs.baseline);
  const shocked = side(runs.shocked);
  return {
    scenario: options.scenario,
    from: options.from,
    days: options.days,
    seed: options.seed,
    total: { baseline: baseline(), shocked: shocked() },
    byDay: dates.map((date) => ({ date, baseline: baseline(date), shocked: shocked(date) })),
  };
}
