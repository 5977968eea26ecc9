import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { demoPartners, startLocalStack } from '#local/local-stack.ts';
import { seedPortfolio } from '#local/seed-portfolio.ts';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { portfolioSchema } from '#shared/schemas/portfolio.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fen = (n: number) => `¥${(n / 100).toFixed(2)}`;

/**
 * `npm start`: DynamoDB Local, the table, the demo portfolio booked, one application scored over
 * HTTP, 60 simulated days of reminders, then the API keeps serving until Ctrl-C (`--exit` stops after the demo).
 */
export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: '3000' }, exit: { type: 'boolean', default: false } },
  });
  const portfolio = portfolioSchema.parse(
    JSON.parse(readFileSync(join(here, 'demo/portfolio.json'), 'utf8')),
  );
  const partners = demoPartners();
  console.log('starting DynamoDB Local (in memory) and the partner API …');
  const stack = await startLocalStack({ port: Number(values.port), partners });
  try {
    const seeded = await seedPortfolio(stack.deps, portfolio, stack.deps.clock.now());
    console.log(`seeded the demo portfolio: ${seeded.borrowers} borrowers, ${seeded.loans} loans booked`);
    for (const l of portfolio.loans) {
      const read = await stack.deps.repos.loans.getLoanWithInstallments(l.loanId);
      const rows = read?.installments.map((i) => `${i.dueDate} ${fen(i.amountDue)}`).join(', ');
      console.log(
        `  ${l.loanId} ${l.repaymentMethod.padEnd(17)} ${fen(l.principal)} @ ${l.aprBps / 100}%: ${rows}`,
      );
    }
    const demoKey = partners[0]?.apiKey ?? '';
    for (const app of portfolio.applications) {
      const res = await fetch(`${stack.url}/v1/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': demoKey },
        body: JSON.stringify(app.body),
      });
      const decision = (await res.json()) as Record<string, unknown>;
      console.log(`scored an application over HTTP → ${res.status}`, JSON.stringify(decision));
    }
    console.log('simulating the demo portfolio for 60 days (2027-05-01 on) through the same handlers …');
    const run = await runSimulation({
      portfolio,
      from: '2027-05-01',
      days: 60,
      faults: parseFaults(undefined),
      seed: 1,
      outDir: '.local/demo-run',
      dynamodbEndpoint: stack.dynamodbEndpoint,
    });
    const s = run.summary;
    console.log(
      `  contacts by status ${JSON.stringify(s.contacts.byStatus)}, by stage ${JSON.stringify(s.contacts.byStage)}`,
    );
    console.log(
      `  loans by bucket ${JSON.stringify(s.loansByBucket)}; amounts (fen) ${JSON.stringify(s.amounts)}`,
    );
    console.log('  files: .local/demo-run/contacts.jsonl, events.jsonl, summary.json');
    console.log('demo partner API keys (send as x-api-key):');
    for (const p of partners) console.log(`  ${p.partnerId.padEnd(10)} ${p.apiKey}`);
    console.log(`listening on ${stack.url}  (OpenAPI: ${stack.url}/v1/openapi.json)`);
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
