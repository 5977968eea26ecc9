import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { isValidLocalDate } from '#shared/lending/calendar.ts';
import { portfolioSchema } from '#shared/schemas/portfolio.ts';

const usage =
  'usage: duebell simulate --portfolio FILE --from YYYY-MM-DD --days N --out DIR [--faults SPEC] [--seed N] [--dynamodb-endpoint URL]';

/** `duebell simulate`: replays a portfolio on a simulated clock; writes contacts.jsonl, events.jsonl, summary.json. */
export async function simulateCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      portfolio: { type: 'string' },
      from: { type: 'string' },
      days: { type: 'string' },
      out: { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'dynamodb-endpoint': { type: 'string' },
    },
    strict: true,
  });
  const days = Number(values.days);
  const seed = Number(values.seed);
  if (!values.portfolio || !values.from || !values.out || !isValidLocalDate(values.from))
    throw new Error(usage);
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new Error(`--days must be 1–3660\n${usage}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer\n${usage}`);
  const parsed = portfolioSchema.safeParse(JSON.parse(readFileSync(values.portfolio, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`${values.portfolio} is not a valid portfolio:\n${where}`);
  }
  const tty = process.stderr.isTTY;
  const result = await runSimulation({
    portfolio: parsed.data,
    from: values.from,
    days,
    faults: parseFaults(values.faults),
    seed,
    outDir: values.out,
    dynamodbEndpoint: values['dynamodb-endpoint'],
    keepTables: values['dynamodb-endpoint'] !== undefined,
    onProgress: (day, total) => {
      if (tty) process.stderr.write(`\rsimulating day ${day}/${total}`);
      else if (day === total || day % 30 === 0) process.stderr.write(`simulated ${day}/${total} days\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const s = result.summary;
  console.log(
    `contacts: ${JSON.stringify(s.contacts.byStatus)}; by stage ${JSON.stringify(s.contacts.byStage)}`,
  );
  console.log(
    `loans by bucket: ${JSON.stringify(s.loansByBucket)}; carrier duplicates: ${s.carrierDuplicates}`,
  );
  console.log(`wrote ${values.out}/contacts.jsonl, events.jsonl, summary.json`);
  if (s.tables)
    console.log(
      `left the table${s.tables.length > 1 ? 's' : ''} ${s.tables.join(', ')} at ${values['dynamodb-endpoint']}`,
    );
}
