import { demoCommand } from './demo.ts';
import { partnersCommand } from './partners.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { stressCommand } from './stress.ts';

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  serve: serveCommand,
  demo: demoCommand,
  simulate: simulateCommand,
  report: reportCommand,
  partners: (argv) => partnersCommand(argv),
  stress: stressCommand,
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(`usage: duebell <${Object.keys(commands).join('|')}> [options]`);
  process.exit(2);
}
try {
  await command(rest);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
