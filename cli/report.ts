import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from '#local/report/render-html.ts';
import { renderTerminal } from '#local/report/render-terminal.ts';
import { buildRunReport } from '#local/report/run-report.ts';

const usage = 'usage: duebell report --run DIR [--html FILE]';

/** `duebell report`: the ops view of a local run, as terminal tables and, given --html, one self-contained page. */
export async function reportCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { run: { type: 'string' }, html: { type: 'string' } },
    strict: true,
  });
  if (!values.run) throw new Error(usage);
  const report = buildRunReport(values.run);
  process.stdout.write(renderTerminal(report));
  if (values.html) {
    writeReportPage(report, values.html);
    console.log(`\nwrote ${resolve(values.html)} (open it in a browser; it needs no network)`);
  }
}

export function writeReportPage(report: ReturnType<typeof buildRunReport>, path: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, renderHtml(report));
}
