import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '#local/report/render-html.ts';
import { renderTerminal } from '#local/report/render-terminal.ts';
import { buildRunReport, type RunReport } from '#local/report/run-report.ts';

/** A 45-day `duebell simulate` run of a 40-loan demo book, kept as a fixture. */
const RUN = fileURLToPath(new URL('../../fixtures/report-run', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../../../test-output', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

let report: RunReport;
let terminal: string;
let html: string;
beforeAll(() => {
  report = buildRunReport(RUN);
  terminal = renderTerminal(report);
  html = renderHtml(report);
});

/** Everything in the run's files that is personal or names a person: none of it may reach the report. */
function personalValues(): string[] {
  const lines = readFileSync(join(RUN, 'contacts.jsonl'), 'utf8').trim().split('\n');
  const values = new Set<string>();
  for (const l of lines) {
    const c = JSON.parse(l) as { to: string; borrowerId: string };
    if (c.to.includes('*')) values.add(c.to);
    values.add(`"${c.borrowerId}"`);
  }
  return [...values];
}

describe('duebell report from a fixture run', () => {
  it('has the dashboard’s rows, each with its tables', () => {
    expect(report.sections.map((s) => s.title)).toEqual([
      'Portfolio',
      'Contact',
      'Escalation and desk',
      'Applications',
      'Platform',
    ]);
    for (const title of [
      '== Portfolio ==',
      'Loans by bucket at the end of the run',
      'Roll rates on 2027-06-14 (30-day)',
      'Messages by stage and channel',
      'Not sent (yet), by reason',
      'Rungs taken',
      'Applications scored by decision and grade',
      'Faults injected and what they left',
    ])
      expect(terminal).toContain(title);
  });

  it('counts what the run’s files say', () => {
    const summary = JSON.parse(readFileSync(join(RUN, 'summary.json'), 'utf8'));
    const table = (title: string) => report.sections.flatMap((s) => s.tables).find((t) => t.title === title);
    const byBucket = table('Loans by bucket at the end of the run');
    expect(Object.fromEntries(byBucket?.rows.map((r) => [r[0], r[1]]) ?? [])).toEqual({
      current: summary.loansByBucket.current ?? 0,
      M1: summary.loansByBucket.M1 ?? 0,
      M2: summary.loansByBucket.M2 ?? 0,
      M3: summary.loansByBucket.M3 ?? 0,
      'M3+': summary.loansByBucket['M3+'] ?? 0,
    });
    const messages = table('Messages by stage and channel');
    const sent = messages?.rows.reduce((sum, r) => sum + Number(r[2]), 0) ?? 0;
    const contacts = readFileSync(join(RUN, 'contacts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(sent).toBe(
      contacts.filter((c) => c.status === 'sent' && (c.channel === 'sms' || c.channel === 'email')).length,
    );
    const episodes = table('Episodes');
    expect(episodes?.rows[0]?.[0]).toBe(summary.escalation.episodesStarted);
  });

  it('counts early warnings by code when the run raised some', () => {
    const run = mkdtempSync(join(tmpdir(), 'report-warnings-'));
    cpSync(RUN, run, { recursive: true });
    const raised = (code: string, loanId: string) =>
      `${JSON.stringify({ at: '2027-06-02T02:00:00.000Z', type: 'EarlyWarningRaised', loanId, code })}\n`;
    appendFileSync(
      join(run, 'events.jsonl'),
      raised('PARTIAL_PAYMENT', 'L1') + raised('PARTIAL_PAYMENT', 'L2'),
    );
    appendFileSync(join(run, 'events.jsonl'), raised('HARDSHIP_REQUESTED', 'L3'));
    const table = buildRunReport(run)
      .sections.flatMap((s) => s.tables)
      .find((t) => t.title === 'Early warnings (loans current or in grace)');
    expect(table?.rows).toEqual([
      ['HARDSHIP_REQUESTED', 1],
      ['PARTIAL_PAYMENT', 2],
    ]);
  });

  it('shows no phone number, email, ID number or borrower', () => {
    for (const value of personalValues()) {
      expect(terminal).not.toContain(value);
      expect(html).not.toContain(value);
    }
    expect(html).not.toMatch(/\d{17}[\dX]/);
    expect(html).not.toMatch(/@example\.com/);
  });

  it('writes one self-contained page: tables in HTML, Chart.js inlined, nothing fetched', () => {
    expect(html).toContain('<caption>Messages by stage and channel</caption>');
    expect(html).toContain('Chart.js v4');
    // Nothing loaded from elsewhere (the browser test below also sees no request go out).
    expect(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=/.test(html)).toBe(false);
  });
});

describe.runIf(existsSync(CHROMIUM) || process.env.CI === 'true')(
  'the report page in Chromium, offline',
  () => {
    let browser: Awaited<ReturnType<typeof chromium.launch>>;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    }, 60_000);
    afterAll(() => browser?.close());

    it('draws every chart with data, with the network off, and leaves a screenshot', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'report-'));
      const page = join(dir, 'report.html');
      execFileSync('npx', ['tsx', 'cli/main.ts', 'report', '--run', RUN, '--html', page], {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        stdio: 'ignore',
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.setOffline(true);
      const requests: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${page}`);
      await tab.waitForFunction(() => (globalThis as { duebellCharts?: object }).duebellCharts !== undefined);

      const expected = report.sections.flatMap((s) => s.charts.map((c) => c.id));
      expect(expected).toEqual(
        expect.arrayContaining([
          'ageing',
          'roll-rates',
          'recoveries',
          'reminders-per-day',
          'escalation-funnel',
          'applications',
        ]),
      );
      const drawn = await tab.evaluate(() => {
        /** What the test reads of a Chart.js chart and its canvas (the tests' types carry no DOM). */
        interface Canvas {
          width: number;
          height: number;
          getContext(
            kind: '2d',
          ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
        }
        type Drawn = { data: { datasets: { data: (number | null)[] }[] }; canvas: Canvas };
        const charts = (globalThis as unknown as { duebellCharts: Record<string, Drawn> }).duebellCharts;
        return Object.entries(charts).map(([id, chart]) => {
          const { canvas } = chart;
          const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++;
          const values = chart.data.datasets.flatMap((d) => d.data).filter((v): v is number => v !== null);
          return {
            id,
            width: canvas.width,
            painted,
            points: values.length,
            total: values.reduce((a, b) => a + b, 0),
          };
        });
      });
      expect(drawn.map((d) => d.id).sort()).toEqual([...expected].sort());
      for (const chart of drawn) {
        expect(chart.width, chart.id).toBeGreaterThan(100);
        expect(chart.points, chart.id).toBeGreaterThan(0);
        expect(chart.total, chart.id).toBeGreaterThan(0);
        expect(chart.painted, chart.id).toBeGreaterThan(1000);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      mkdirSync(OUTPUT, { recursive: true });
      await tab.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
      expect(existsSync(join(OUTPUT, 'report.png'))).toBe(true);
    }, 120_000);
  },
);
