/**
 * The example partner app from the command line, against `duebell serve`:
 *
 *   npx duebell serve --port 3000          # prints demo API keys
 *   npx tsx examples/partner-app/main.ts --base-url http://127.0.0.1:3000 --api-key <key>
 */
import { parseArgs } from 'node:util';
import { runJourney } from './journey.ts';
import { sampleApplication } from './sample-application.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:3000' },
    'api-key': { type: 'string' },
  },
});
const apiKey = values['api-key'] ?? process.env.DUEBELL_API_KEY;
if (!apiKey) {
  console.error('usage: main.ts [--base-url URL] --api-key KEY (or DUEBELL_API_KEY)');
  process.exit(2);
}
const result = await runJourney({ baseUrl: values['base-url'], apiKey, application: sampleApplication() });
console.log(
  `decision ${result.decision.decision} (grade ${result.decision.grade}, score ${result.decision.score})`,
);
for (const reason of result.decision.reasons) console.log(`  ${reason.code}: ${reason.text}`);
if (result.loan) {
  console.log(
    `loan ${result.loan.loanId}: ${result.loan.principal} fen over ${result.loan.termMonths} months`,
  );
  for (const i of result.loan.installments)
    console.log(`  #${i.installmentNo} ${i.dueDate} ${i.due.total} fen`);
}
if (result.payment) {
  console.log(`paid ${result.payment.amount} fen; the retry answered ${result.paymentRetryStatus}`);
}
if (result.hardship) console.log(`hardship: ${result.hardship.status}, ${result.hardship.deferralDays} days`);
