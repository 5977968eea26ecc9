import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { demoBook } from '#local/demo-book.ts';
import { demoPartners, startLocalStack } from '#local/local-stack.ts';
import { renderTerminal } from '#local/report/render-terminal.ts';
import { buildRunReport } from '#local/report/run-report.ts';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { loadRules } from '#shared/config/rules.ts';
import { portfolioSchema } from '#shared/schemas/portfolio.ts';
import { writeReportPage } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const FROM = '2027-05-01';
const SEED = 1;

/**
 * The demo lender's rules: the defaults, with the tier 1 capital of a small lender (¥1.2 million), so the
 * demo's larger partner and Guangdong cross their concentration limits and the report shows the warning.
 */
const demoRules = (timezone = 'Asia/Shanghai') =>
  loadRules({ timezone, portfolio: { tier1CapitalFen: 120_000_000 } });

/** `[#########-----------] day 27/60` on a terminal; a line every 10 days elsewhere. */
function progress(day: number, days: number): void {
  if (process.stdout.isTTY) {
    const width = 30;
    const done = Math.round((width * day) / days);
    process.stdout.write(`\r  [${'#'.repeat(done)}${'-'.repeat(width - done)}] day ${day}/${days}`);
    if (day === days) process.stdout.write('\n');
  } else if (day % 10 === 0 || day === days) console.log(`  simulated ${day}/${days} days`);
}

/**
 * `npm start`: DynamoDB Local, the partner API on :3000 (keys printed) over the demo book's table, the
 * seeded demo book simulated for 60 days through the same handlers with a progress bar, one application
 * scored over HTTP, then the ops report in the terminal and as an HTML page; the API keeps serving the
 * simulated book until Ctrl-C (`--exit` stops after the report).
 */
export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3000' },
      exit: { type: 'boolean', default: false },
      loans: { type: 'string', default: '300' },
      days: { type: 'string', default: '60' },
      out: { type: 'string', default: '.local/demo-run' },
      html: { type: 'string' },
    },
    strict: true,
  });
  const started = performance.now();
  const days = Number(values.days);
  const loans = Number(values.loans);
  const out = values.out;
  const htmlPath = values.html ?? join(out, 'report.html');
  const book = portfolioSchema.parse(demoBook({ from: FROM, loans, seed: SEED }));
  const partners = demoPartners();
  console.log('starting DynamoDB Local (in memory) and the partner API …');
  // The API serves the table the simulation leaves (named by its inputs): the demo book as simulated.
  const tableName = `duebell-sim-${FROM}-${days}d-seed${SEED}`;
  const stack = await startLocalStack({ port: Number(values.port), partners, tableName });
  try {
    const printKeys = () => {
      console.log('demo partner API keys (send as x-api-key):');
      for (const p of partners) console.log(`  ${p.partnerId.padEnd(10)} ${p.apiKey}`);
      // Valid for this run only (the local server signs them with a secret it holds in memory).
      console.log('ops tokens for /v1/ops/ (send as Authorization: Bearer <token>):');
      console.log(`  agent      ${stack.opsTokens.agent}`);
      console.log(`  supervisor ${stack.opsTokens.supervisor}`);
    };
    printKeys();
    console.log(`listening on ${stack.url}  (OpenAPI: ${stack.url}/v1/openapi.json)`);
    console.log(
      `seeding the demo book (${book.borrowers.length} borrowers, ${book.loans.length} loans, ${book.payments.length} payments, ` +
        `${book.applications.length} applications) and simulating ${days} days from ${FROM} through the same handlers …`,
    );
    await runSimulation({
      portfolio: book,
      from: FROM,
      days,
      faults: parseFaults(undefined),
      seed: SEED,
      rules: demoRules(book.timezone),
      outDir: out,
      dynamodbEndpoint: stack.dynamodbEndpoint,
      keepTables: true,
      onProgress: progress,
    });

    const { body } = JSON.parse(readFileSync(join(here, 'demo/portfolio.json'), 'utf8')).applications[0];
    const res = await fetch(`${stack.url}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': partners[0]?.apiKey ?? '' },
      body: JSON.stringify(body),
    });
    const decision = (await res.json()) as { decision?: string; grade?: string; score?: number };
    console.log(
      `scored one more application over HTTP → ${res.status} ${decision.decision} (grade ${decision.grade}, score ${decision.score})`,
    );

    const report = buildRunReport(out, book.timezone);
    console.log('');
    process.stdout.write(renderTerminal(report));
    writeReportPage(report, htmlPath);
    console.log(`\nops report page: ${resolve(htmlPath)} (self-contained, opens offline)`);
    console.log(
      `run files: ${resolve(out)}/ (contacts.jsonl, events.jsonl, ageing.jsonl, portfolio.jsonl, summary.json)`,
    );
    console.log(
      `demo done in ${((performance.now() - started) / 1000).toFixed(0)} s; the API serves the simulated book ` +
        `(e.g. GET /v1/loans/${book.loans[0]?.loanId}) from table ${tableName}`,
    );
    printKeys();
    console.log(`listening on ${stack.url}`);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  if (values.exit) {
    await stack.stop();
    return;
  }
  console.log('Ctrl-C stops the stack.');
  await new Promise<void>((resolve) => {
    const stop = () => void stack.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
