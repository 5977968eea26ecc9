import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Chart, RunReport, Table } from './run-report.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

/** Chart.js's UMD build, read from the installed package, to be inlined: the page needs no network. */
export function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

function renderTable(table: Table): string {
  const head = table.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body =
    table.rows.length === 0
      ? `<tr><td colspan="${table.head.length}">none</td></tr>`
      : table.rows
          .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
          .join('\n');
  const note = table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : '';
  return `<table><caption>${escapeHtml(table.title)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${note}`;
}

const renderChart = (chart: Chart) =>
  `<figure class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption><div class="frame"><canvas id="chart-${escapeHtml(chart.id)}" data-chart="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div></figure>`;

/** JSON safe inside a script element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * One self-contained page: the tables as plain HTML (readable without JavaScript) and, drawn by the
 * inlined Chart.js, one chart per series. `window.duebellCharts` holds the drawn charts by id.
 */
export function renderHtml(report: RunReport, chartJs = chartJsSource()): string {
  const charts = report.sections.flatMap((s) => s.charts);
  const sections = report.sections
    .map(
      (s) => `<section id="${escapeHtml(s.title.toLowerCase().replace(/\W+/g, '-'))}">
<h2>${escapeHtml(s.title)}</h2>
${s.charts.length ? `<div class="charts">${s.charts.map(renderChart).join('\n')}</div>` : ''}
${s.tables.map(renderTable).join('\n')}
${s.missing ? `<p class="missing">${escapeHtml(s.missing)}</p>` : ''}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Duebell ops report ${escapeHtml(report.period.from)} – ${escapeHtml(report.period.to)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; color: #1d2733; }
h1 { font-size: 1.4rem; } h2 { border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0 .3rem; min-width: 40%; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid #d0d7de; padding: .2rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f5f7; }
.note, .missing { color: #57606a; margin: .2rem 0 .8rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1rem; }
figure.chart { margin: 0; border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
.frame { position: relative; height: 280px; }
</style>
</head>
<body>
<h1>Duebell ops report</h1>
<p>Run <code>${escapeHtml(report.dir)}</code>, simulated days ${escapeHtml(report.period.from)} to ${escapeHtml(report.period.to)}. The same rows as the CloudWatch dashboard; counts and amounts only, no personal data.</p>
<noscript><p>Charts need JavaScript; every figure is also in the tables.</p></noscript>
${sections}
<script type="application/json" id="report-charts">${scriptJson(charts)}</script>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
(function () {
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  window.duebellCharts = {};
  charts.forEach(function (c) {
    var canvas = document.getElementById('chart-' + c.id);
    window.duebellCharts[c.id] = new Chart(canvas, {
      type: c.kind,
      data: {
        labels: c.labels,
        datasets: c.datasets.map(function (d, i) {
          var colour = palette[i % palette.length];
          return { label: d.label, data: d.data, backgroundColor: colour, borderColor: colour, pointRadius: 0, tension: 0.2 };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: !!c.stacked },
          y: { stacked: !!c.stacked, beginAtZero: true, ticks: c.percent ? { callback: function (v) { return v + ' %'; } } : {} }
        }
      }
    });
  });
})();
</script>
</body>
</html>
`;
}
