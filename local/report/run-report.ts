import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgeingSnapshot } from '#local/simulation/daily-snapshot.ts';
import type { SimulationSummary } from '#local/simulation/summary.ts';
import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import { RECOVERY_FROM_DAYS_PAST_DUE } from '#shared/observability/metered-event-bus.ts';
import { portfolioRisk } from './portfolio-risk-section.ts';

/** The past-due buckets in order; a roll rate is from one to the next. */
export const PAST_DUE_BUCKETS = ['M1', 'M2', 'M3', 'M3+'] as const;
/** Roll rates compare a loan's bucket with its bucket this many days before (domain-rules, portfolio risk). */
export const ROLL_WINDOW_DAYS = 30;

/** A line of contacts.jsonl, as far as the report reads it (never `to`, never the borrower). */
interface ContactRecord {
  at: string;
  loanId: string;
  stage: string;
  channel: string;
  status: string;
  reason?: string;
}

/** A line of events.jsonl: `{ at, type, ...detail }`. */
type EventRecord = { at: string; type: string } & Record<string, unknown>;

import type { Chart, ReportSection, Table } from './report-types.ts';

export type { Chart, ReportSection, Table } from './report-types.ts';

export interface RunReport {
  dir: string;
  period: { from: string; to: string };
  sections: ReportSection[];
}

const readJsonl = <T>(path: string): T[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as T)
    : [];

const fen = (n: number) =>
  (n / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);
const increment = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** The local date of an instant with an offset (`2027-05-01T09:00:00+08:00` → `2027-05-01`) in the lender's zone. */
function dayOf(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
}

/**
 * The ops view of a local run (what `duebell simulate` or `npm start` wrote to `dir`): the rows of the
 * CloudWatch dashboard computed from summary.json, contacts.jsonl, events.jsonl and ageing.jsonl. Counts,
 * amounts and stage ids only: no borrower, address or ID number reaches it.
 */
export function buildRunReport(dir: string, timeZone = 'Asia/Shanghai'): RunReport {
  const summaryPath = join(dir, 'summary.json');
  if (!existsSync(summaryPath))
    throw new Error(`${dir} has no summary.json: is it the --out of duebell simulate?`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as SimulationSummary;
  const contacts = readJsonl<ContactRecord>(join(dir, 'contacts.jsonl'));
  const events = readJsonl<EventRecord>(join(dir, 'events.jsonl'));
  const ageing = readJsonl<AgeingSnapshot>(join(dir, 'ageing.jsonl'));
  const snapshots = readJsonl<PortfolioSnapshot>(join(dir, 'portfolio.jsonl'));
  const days = daysOf(summary.period.from, summary.period.to);
  const day = (at: string) => dayOf(at, timeZone);
  return {
    dir,
    period: summary.period,
    sections: [
      withRisk(portfolio(summary, events, ageing, days, day), portfolioRisk(snapshots)),
      contact(contacts, days, day),
      escalation(summary, contacts, events),
      applications(events),
      platform(summary),
    ],
  };
}

/** The portfolio row with the snapshots' figures (book, concentration, roll rates, vintages) after its own. */
function withRisk(row: ReportSection, risk: ReportSection): ReportSection {
  const missing = [row.missing, risk.missing].filter(Boolean).join(' ');
  return {
    ...row,
    tables: [...row.tables, ...risk.tables],
    charts: [...row.charts, ...risk.charts],
    ...(missing ? { missing } : { missing: undefined }),
  };
}

function portfolio(
  summary: SimulationSummary,
  events: EventRecord[],
  ageing: AgeingSnapshot[],
  days: string[],
  day: (at: string) => string,
): ReportSection {
  const last = ageing.at(-1);
  const tables: Table[] = [
    {
      title: 'Loans by bucket at the end of the run',
      head: ['bucket', 'loans', 'outstanding past due (¥)'],
      rows: ['current', ...PAST_DUE_BUCKETS].map((b) => [
        b,
        summary.loansByBucket[b] ?? 0,
        b === 'current' ? '' : fen(last?.buckets[b as (typeof PAST_DUE_BUCKETS)[number]]?.outstanding ?? 0),
      ]),
    },
  ];
  const charts: Chart[] = [];
  if (ageing.length > 0) {
    charts.push({
      id: 'ageing',
      title: 'Loans past due by bucket, each simulated day',
      kind: 'bar',
      stacked: true,
      labels: ageing.map((s) => s.date),
      datasets: PAST_DUE_BUCKETS.map((b) => ({
        label: b,
        data: ageing.map((s) => s.buckets[b]?.loans ?? 0),
      })),
    });
    // Roll rate b → b+1 on day t: loans in b on t − 30 that are in b+1 on t, over loans in b on t − 30.
    const byDate = new Map(ageing.map((s) => [s.date, s]));
    const rolls = PAST_DUE_BUCKETS.slice(0, -1).map((b, i) => {
      const next = PAST_DUE_BUCKETS[i + 1] as string;
      const series = ageing.map((s) => {
        const earlier = new Date(`${s.date}T00:00:00Z`);
        earlier.setUTCDate(earlier.getUTCDate() - ROLL_WINDOW_DAYS);
        const before = byDate.get(earlier.toISOString().slice(0, 10));
        if (!before) return undefined;
        const inB = Object.entries(before.loans).filter(([, bucket]) => bucket === b);
        const rolled = inB.filter(([loanId]) => s.loans[loanId] === next).length;
        return { from: inB.length, rolled };
      });
      return { label: `${b} → ${next}`, series };
    });
    const measured = ageing.map((s, i) => ({ date: s.date, i })).filter(({ i }) => rolls[0]?.series[i]);
    if (measured.length > 0) {
      charts.push({
        id: 'roll-rates',
        title: `Roll rates (${ROLL_WINDOW_DAYS}-day), %`,
        kind: 'line',
        percent: true,
        labels: measured.map((m) => m.date),
        datasets: rolls.map((r) => ({
          label: r.label,
          data: measured.map(({ i }) => {
            const point = r.series[i];
            return point && point.from > 0 ? Math.round((1000 * point.rolled) / point.from) / 10 : null;
          }),
        })),
      });
      const end = ageing.length - 1;
      tables.push({
        title: `Roll rates on ${ageing[end]?.date} (${ROLL_WINDOW_DAYS}-day)`,
        head: ['from → to', `loans in it ${ROLL_WINDOW_DAYS} days before`, 'rolled', 'roll rate'],
        rows: rolls.map((r) => {
          const point = r.series[end];
          return [r.label, point?.from ?? 0, point?.rolled ?? 0, pct(point?.rolled ?? 0, point?.from ?? 0)];
        }),
        note: 'current → M1 needs the whole book each day: see the snapshot’s roll rates (from portfolio.jsonl) below.',
      });
    }
  }
  const payments = events.filter((e) => e.type === 'PaymentReceived');
  const paidByDay = new Map<string, number>();
  const recoveredByDay = new Map<string, number>();
  for (const p of payments) {
    const amount = Number(p.amount) || 0;
    increment(paidByDay, day(p.at), amount);
    if (Number(p.daysPastDueBefore) >= RECOVERY_FROM_DAYS_PAST_DUE)
      increment(recoveredByDay, day(p.at), amount);
  }
  const recovered = [...recoveredByDay.values()].reduce((a, b) => a + b, 0);
  tables.push({
    title: 'Amounts over the run (¥)',
    head: [
      'due',
      'paid',
      'overdue at the end',
      'paid while overdue',
      `recovered (paid at ${RECOVERY_FROM_DAYS_PAST_DUE}+ DPD)`,
    ],
    rows: [
      [
        fen(summary.amounts.due),
        fen(summary.amounts.paid),
        fen(summary.amounts.overdue),
        fen(summary.amounts.recovered),
        fen(recovered),
      ],
    ],
  });
  charts.push({
    id: 'recoveries',
    title: 'Payments and recoveries per day (¥)',
    kind: 'bar',
    labels: days,
    datasets: [
      { label: 'paid', data: days.map((d) => (paidByDay.get(d) ?? 0) / 100) },
      {
        label: `recovered (${RECOVERY_FROM_DAYS_PAST_DUE}+ DPD)`,
        data: days.map((d) => (recoveredByDay.get(d) ?? 0) / 100),
      },
    ],
  });
  const warnings = events.filter((e) => e.type === 'EarlyWarningRaised');
  if (warnings.length > 0) {
    const bySignal = new Map<string, number>();
    for (const w of warnings) increment(bySignal, String(w.signal ?? w.code ?? 'unknown'));
    tables.push({
      title: 'Early warnings by signal',
      head: ['signal', 'raised'],
      rows: [...bySignal.entries()],
    });
    charts.push({
      id: 'early-warnings',
      title: 'Early warnings by signal',
      kind: 'bar',
      labels: [...bySignal.keys()],
      datasets: [{ label: 'raised', data: [...bySignal.values()] }],
    });
  }
  return {
    title: 'Portfolio',
    tables,
    charts,
    missing: warnings.length > 0 ? undefined : 'Early warnings come with portfolio risk (none in this run).',
  };
}

function contact(contacts: ContactRecord[], days: string[], day: (at: string) => string): ReportSection {
  const messages = contacts.filter((c) => c.channel === 'sms' || c.channel === 'email');
  const key = (c: ContactRecord) => `${c.stage}|${c.channel}`;
  const byStageChannel = new Map<string, Map<string, number>>();
  for (const c of messages) {
    const row = byStageChannel.get(key(c)) ?? new Map<string, number>();
    increment(row, c.status);
    byStageChannel.set(key(c), row);
  }
  const stageOrder = (s: string) => {
    const n = Number(s.replace('D', '').replace('+', '')) || 0;
    return s.includes('-') ? -Math.abs(n) : n;
  };
  const keys = [...byStageChannel.keys()].sort((a, b) => {
    const [sa = '', ca = ''] = a.split('|');
    const [sb = '', cb = ''] = b.split('|');
    return stageOrder(sa) - stageOrder(sb) || ca.localeCompare(cb);
  });
  const stages = [...new Set(keys.map((k) => k.split('|')[0] as string))];
  const sentPerDay = stages.map((stage) => ({
    label: stage,
    data: days.map(
      (d) => messages.filter((c) => c.stage === stage && c.status === 'sent' && day(c.at) === d).length,
    ),
  }));
  const suppressed = new Map<string, number>();
  for (const c of contacts.filter((c) => c.status !== 'sent'))
    increment(suppressed, `${c.status}|${c.reason ?? ''}|${c.channel}`);
  return {
    title: 'Contact',
    tables: [
      {
        title: 'Messages by stage and channel',
        head: ['stage', 'channel', 'sent', 'deferred', 'suppressed'],
        rows: keys.map((k) => {
          const [stage = '', channel = ''] = k.split('|');
          const row = byStageChannel.get(k);
          return [
            stage,
            channel,
            row?.get('sent') ?? 0,
            row?.get('deferred') ?? 0,
            row?.get('suppressed') ?? 0,
          ];
        }),
        note: 'One line per loan: a message covering several loans counts once per loan.',
      },
      {
        title: 'Not sent (yet), by reason',
        head: ['status', 'reason', 'channel', 'lines'],
        rows: [...suppressed.entries()].sort().map(([k, n]) => [...k.split('|'), n]),
        note: 'Deferred lines go out when the contact window opens; suppressed ones never.',
      },
    ],
    charts: [
      {
        id: 'reminders-per-day',
        title: 'Messages sent per day by stage',
        kind: 'bar',
        stacked: true,
        labels: days,
        datasets: sentPerDay,
      },
    ],
  };
}

function escalation(
  summary: SimulationSummary,
  contacts: ContactRecord[],
  events: EventRecord[],
): ReportSection {
  const rungs = new Map<string, Set<string>>();
  for (const e of events.filter((e) => e.type === 'EscalationStarted' || e.type === 'EscalationStepTaken')) {
    const rung = String(e.rung);
    const set = rungs.get(rung) ?? new Set<string>();
    set.add(`${e.loanId}#${e.episode}`);
    rungs.set(rung, set);
  }
  const order = [...rungs.keys()].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  const count = (type: string) => events.filter((e) => e.type === type).length;
  const tasks = (channel: string) =>
    contacts.filter((c) => c.channel === channel && c.status === 'sent').length;
  const promises = ['PromiseToPayRecorded', 'PromiseToPayKept', 'PromiseToPayBroken'].map(
    (t) => [t, count(t)] as const,
  );
  const anyPromise = promises.some(([, n]) => n > 0);
  const deskActions = [
    'AgentTaskCompleted',
    'HardshipReferred',
    'LoanRestructured',
    'ChargesWaived',
    'DecisionReviewed',
  ].map((t) => [t, count(t)] as const);
  const anyDeskAction = deskActions.some(([, n]) => n > 0);
  // Early warnings by code (each raised once per occurrence, so the count is of occurrences).
  const warningsByCode = new Map<string, number>();
  for (const e of events.filter((e) => e.type === 'EarlyWarningRaised'))
    warningsByCode.set(String(e.code), (warningsByCode.get(String(e.code)) ?? 0) + 1);
  const warningRows = [...warningsByCode].sort(([a], [b]) => a.localeCompare(b));
  const charts: Chart[] = [
    {
      id: 'escalation-funnel',
      title: 'Escalation funnel: episodes reaching each rung',
      kind: 'bar',
      labels: order,
      datasets: [{ label: 'episodes', data: order.map((r) => rungs.get(r)?.size ?? 0) }],
    },
  ];
  if (anyPromise)
    charts.push({
      id: 'promises',
      title: 'Promises to pay',
      kind: 'bar',
      labels: promises.map(([t]) => t.replace('PromiseToPay', '')),
      datasets: [{ label: 'promises', data: promises.map(([, n]) => n) }],
    });
  const esc = summary.escalation;
  return {
    title: 'Escalation and desk',
    tables: [
      {
        title: 'Episodes',
        head: [
          'started',
          'cured (any loan)',
          'non-performing',
          'charged off',
          'failed executions',
          'waiting at the end',
        ],
        rows: [
          [
            esc?.episodesStarted ?? count('EscalationStarted'),
            count('LoanCured'),
            count('LoanNonPerforming'),
            count('LoanChargedOff'),
            esc?.failedExecutions ?? 0,
            esc?.waitingAtEnd ?? 0,
          ],
        ],
      },
      {
        title: 'Rungs taken',
        head: ['rung', 'episodes'],
        rows: order.map((r) => [r, rungs.get(r)?.size ?? 0]),
      },
      {
        title: 'Tasks for people',
        head: ['agent calls and reviews', 'legal'],
        rows: [[esc?.agentTasks ?? tasks('agent'), esc?.legalTasks ?? tasks('legal')]],
      },
      ...(anyPromise
        ? [{ title: 'Promises to pay', head: ['event', 'count'], rows: promises.map(([t, n]) => [t, n]) }]
        : []),
      ...(warningRows.length > 0
        ? [
            {
              title: 'Early warnings (loans current or in grace)',
              head: ['signal', 'raised'],
              rows: warningRows,
            },
          ]
        : []),
      ...(anyDeskAction
        ? [
            {
              title: 'Desk: outcomes and supervisor actions',
              head: ['event', 'count'],
              rows: deskActions.filter(([, n]) => n > 0).map(([t, n]) => [t, n]),
            },
          ]
        : []),
    ],
    charts,
    missing: anyPromise ? undefined : 'No promise to pay was made in this run.',
  };
}

function applications(events: EventRecord[]): ReportSection {
  const scored = events.filter((e) => e.type === 'ApplicationScored');
  const grades = ['A', 'B', 'C', 'D', 'E'];
  const decisions = ['approve', 'refer', 'decline'];
  const n = (decision: string, grade?: string) =>
    scored.filter((e) => e.decision === decision && (grade === undefined || e.grade === grade)).length;
  const reasons = new Map<string, number>();
  for (const e of scored)
    for (const code of (e.codes as string[] | undefined) ?? []) increment(reasons, code);
  return {
    title: 'Applications',
    tables: [
      {
        title: 'Applications scored by decision and grade',
        head: ['decision', ...grades, 'all'],
        rows: decisions.map((d) => [d, ...grades.map((g) => n(d, g)), n(d)]),
        note: 'On AWS this row is the API’s: requests, 4xx, 5xx and p99 per route, from API Gateway.',
      },
      {
        title: 'Reason codes given',
        head: ['code', 'applications'],
        rows: [...reasons.entries()].sort((a, b) => b[1] - a[1]),
      },
    ],
    charts: [
      {
        id: 'applications',
        title: 'Applications by grade and decision',
        kind: 'bar',
        stacked: true,
        labels: grades,
        datasets: decisions.map((d) => ({ label: d, data: grades.map((g) => n(d, g)) })),
      },
    ],
  };
}

function platform(summary: SimulationSummary): ReportSection {
  const f = summary.faults;
  return {
    title: 'Platform',
    tables: [
      {
        title: 'Faults injected and what they left',
        head: [
          'carrier failures',
          'crashes',
          'duplicated sweeps',
          'dead letters',
          'carrier duplicates',
          'failed executions',
        ],
        rows: [
          [
            f.snsFailures,
            f.crashes,
            f.duplicateSweeps,
            f.deadLetters,
            summary.carrierDuplicates,
            summary.escalation?.failedExecutions ?? 0,
          ],
        ],
        note: 'On AWS: Lambda errors, throttles and duration, DLQ depth, Step Functions failures and outbox lag.',
      },
    ],
    charts: [],
  };
}
