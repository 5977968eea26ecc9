import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runStress } from '#local/stress/run-stress.ts';
import { isValidLocalDate } from '#shared/lending/calendar.ts';
import { portfolioSchema } from '#shared/schemas/portfolio.ts';
import { stressScenarioSchema } from '#shared/schemas/stress-scenario.ts';

const usage =
  'usage: duebell stress --portfolio FILE --scenario FILE --from YYYY-MM-DD --days N --out DIR [--seed N]';

function parseFile<T>(
  path: string,
  what: string,
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
  throw new Error(`${path} is not a valid ${what}:\n${where}`);
}

/** `duebell stress`: the baseline and the shocked book simulated; writes baseline/, shocked/ and comparison.json. */
export async function stressCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      portfolio: { type: 'string' },
      scenario: { type: 'string' },
      from: { type: 'string' },
      days: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const days = Number(values.days);
  const seed = Number(values.seed);
  if (!values.portfolio || !values.scenario || !values.from || !values.out || !isValidLocalDate(values.from))
    throw new Error(usage);
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new Error(`--days must be 1–3660\n${usage}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer\n${usage}`);
  const portfolio = parseFile(values.portfolio, 'portfolio', portfolioSchema);
  const scenario = parseFile(values.scenario, 'stress scenario', stressScenarioSchema);
  const tty = process.stderr.isTTY;
  const { comparison } = await runStress({
    portfolio,
    scenario,
    from: values.from,
    days,
    seed,
    outDir: values.out,
    onProgress: (side, day, total) => {
      if (tty) process.stderr.write(`\r${side}: simulating day ${day}/${total}`);
      else if (day === total) process.stderr.write(`${side}: simulated ${day} days\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const { baseline, shocked } = comparison.total;
  const row = (name: string, pick: (s: typeof baseline) => number | string) =>
    console.log(
      `${name.padEnd(24)}${String(pick(baseline)).padStart(14)}${String(pick(shocked)).padStart(14)}`,
    );
  console.log(`${''.padEnd(24)}${'baseline'.padStart(14)}${'shocked'.padStart(14)}`);
  row('NPL ratio (%)', (s) => (s.nplRatioBps / 100).toFixed(2));
  row('charged off (loans)', (s) => s.chargedOffLoans);
  row('charged off (¥)', (s) => (s.chargedOffPrincipal / 100).toFixed(2));
  row('expected loss (¥)', (s) => (s.expectedLossFen / 100).toFixed(2));
  row('contacts sent', (s) => s.contacts);
  row('SMS cost (¥)', (s) => (s.smsCostFen / 100).toFixed(2));
  row('agent tasks', (s) => s.agentTasks);
  console.log(`wrote ${values.out}/baseline/, ${values.out}/shocked/, ${values.out}/comparison.json`);
}
