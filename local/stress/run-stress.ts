import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { loadRules, type Rules } from '#shared/config/rules.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import type { StressScenario } from '#shared/schemas/stress-scenario.ts';
import { compareRuns, type StressComparison } from './compare-runs.ts';
import { shockPortfolio } from './shock-portfolio.ts';

export interface StressOptions {
  portfolio: Portfolio;
  scenario: StressScenario;
  from: LocalDate;
  days: number;
  seed: number;
  outDir: string;
  /** An already running DynamoDB Local (each run makes and drops its own table there). */
  dynamodbEndpoint?: string;
  /** The baseline's rules (default: the defaults in the portfolio's zone); the shocked run's add the scenario's. */
  rules?: Rules;
  onProgress?: (side: 'baseline' | 'shocked', day: number, days: number) => void;
}

/**
 * `duebell stress`: the book as given (the baseline, what `simulate` runs with the same seed) and the
 * shocked book through the same simulator, one after the other in one DynamoDB Local (each run makes and
 * drops a table of its own), then `comparison.json` beside their two directories.
 */
export async function runStress(
  options: StressOptions,
): Promise<{ baseline: SimulationResult; shocked: SimulationResult; comparison: StressComparison }> {
  const local = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
  try {
    const endpoint = options.dynamodbEndpoint ?? (local as DynamoDbLocal).endpoint;
    return await bothRuns(options, endpoint);
  } finally {
    await local?.stop();
  }
}

async function bothRuns(options: StressOptions, dynamodbEndpoint: string) {
  const timezone = options.portfolio.timezone;
  // The baseline's rules are simulate's own unless given; the shocked run's add the scenario's cap mode.
  const baseRules = options.rules ?? loadRules(timezone ? { timezone } : {});
  const mode = options.scenario.rateCapMode;
  const shockedRules = mode ? { ...baseRules, rateCap: { ...baseRules.rateCap, mode } } : baseRules;
  const common = {
    from: options.from,
    days: options.days,
    seed: options.seed,
    faults: parseFaults(undefined),
    dynamodbEndpoint,
  };
  const baseline = await runSimulation({
    ...common,
    portfolio: options.portfolio,
    ...(options.rules ? { rules: options.rules } : {}),
    outDir: join(options.outDir, 'baseline'),
    onProgress: (day, days) => options.onProgress?.('baseline', day, days),
  });
  const shocked = await runSimulation({
    ...common,
    portfolio: shockPortfolio(options.portfolio, options.scenario, options.seed, baseRules.timezone),
    rules: shockedRules,
    outDir: join(options.outDir, 'shocked'),
    onProgress: (day, days) => options.onProgress?.('shocked', day, days),
  });
  const comparison = compareRuns(
    { baseline, shocked },
    {
      scenario: options.scenario,
      from: options.from,
      days: options.days,
      seed: options.seed,
      timeZone: baseRules.timezone,
    },
  );
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
  return { baseline, shocked, comparison };
}
