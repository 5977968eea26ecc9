import type { RunReport, Table } from './run-report.ts';

/** Display width of a cell: CJK and other wide characters take two columns. */
const width = (text: string) =>
  [...text].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);
const pad = (text: string, to: number, right: boolean) => {
  const gap = ' '.repeat(Math.max(0, to - width(text)));
  return right ? gap + text : text + gap;
};

function renderTable(table: Table): string {
  const cells = [table.head, ...table.rows.map((r) => r.map(String))];
  const widths = table.head.map((_, i) => Math.max(...cells.map((row) => width(row[i] ?? ''))));
  const numeric = table.head.map(
    (_, i) => table.rows.length > 0 && table.rows.every((r) => /^[\d.,% –-]*$/.test(String(r[i] ?? ''))),
  );
  const line = (row: string[]) =>
    `  ${row.map((c, i) => pad(c, widths[i] ?? 0, numeric[i] ?? false)).join('  ')}`;
  const out = [`  ${table.title}`, line(table.head), `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`];
  if (table.rows.length === 0) out.push('  (none)');
  else out.push(...table.rows.map((r) => line(r.map(String))));
  if (table.note) out.push(`  ${table.note}`);
  return out.join('\n');
}

/** The report as terminal text: one block per row of the dashboard, its tables under it. */
export function renderTerminal(report: RunReport): string {
  const blocks = [`Duebell ops report: ${report.dir} (${report.period.from} to ${report.period.to})`];
  for (const section of report.sections) {
    blocks.push(`== ${section.title} ==`);
    for (const table of section.tables) blocks.push(renderTable(table));
    if (section.missing) blocks.push(`  ${section.missing}`);
  }
  return `${blocks.join('\n\n')}\n`;
}
