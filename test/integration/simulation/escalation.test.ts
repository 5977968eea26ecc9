import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import { loadRules } from '#shared/config/rules.ts';
import {
  addDays,
  daysBetween,
  instantAt,
  localDateOf,
  minuteOfDay,
  toZoned,
} from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import {
  ESCALATION_DAYS,
  ESCALATION_FROM,
  escalationPortfolio as portfolio,
} from '../../fixtures/escalation/escalation-portfolio.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

/** Simulations read the table's stream after every step: a DynamoDB Local of this file's own. */
const db = fileDynamoDb();

/** The default rules on one due-index shard: a book of nine loans needs no spread (the sweep-scale test has it). */
const rules = loadRules({ schedule: { dueIndexShards: 1 } });
const LENDER_ZONE = rules.timezone;
const ladder = rules.collection.ladder;
const DAY_MS = 86_400_000;

const simulate = (faults: string, seed: number, outDir?: string) =>
  runSimulation({
    portfolio,
    from: ESCALATION_FROM,
    days: ESCALATION_DAYS,
    faults: parseFaults(faults),
    seed,
    outDir,
    rules,
    dynamodbEndpoint: db.endpoint(),
  });

let outDir: string;
let clean: SimulationResult;
let faulty: SimulationResult;
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'sim-escalation-'));
  // Two tables in one DynamoDB Local; the runs share nothing else.
  [clean, faulty] = await Promise.all([simulate('', 1, outDir), simulate('sns=0.2,crash=0.05,dup=0.1', 7)]);
}, 1_200_000);

// ---- reading the run ----

const zoneOf = (borrowerId: string) =>
  portfolio.borrowers.find((b) => b.borrowerId === borrowerId)?.timezone ?? LENDER_ZONE;
const lenderDate = (at: string) => localDateOf(at, LENDER_ZONE);
const at0900 = (date: string) => instantAt(date, minuteOfDay(rules.contact.sweepAt), LENDER_ZONE).getTime();
const isTask = (l: ContactLine) => l.channel === 'agent' || l.channel === 'legal';
const isMessage = (l: ContactLine) => l.channel === 'sms' || l.channel === 'email';
const rungIds = new Set(ladder.map((r) => r.id));
const rungIndex = (id: string) => ladder.findIndex((r) => r.id === id);

const linesOf = (r: SimulationResult, loanId: string) => r.contacts.filter((l) => l.loanId === loanId);
const eventsOf = (r: SimulationResult, type: DomainEvent['type'], loanId?: string) =>
  r.events.filter((e) => e.type === type && (loanId === undefined || e.detail.loanId === loanId));
const ladderEvents = (r: SimulationResult, loanId: string, episode: number) =>
  r.events.filter(
    (e) =>
      (e.type === 'EscalationStarted' || e.type === 'EscalationStepTaken') &&
      e.detail.loanId === loanId &&
      e.detail.episode === episode,
  );
/** Sent contacts (messages and tasks) as comparable keys: what, about which installment, and on which day. */
const sentKeys = (r: SimulationResult) =>
  r.contacts
    .filter((l) => l.status === 'sent')
    .map((l) => `${l.loanId}#${l.installmentNo}#${l.stage}#${l.channel}#${l.templateId}#${lenderDate(l.at)}`)
    .sort();

/** The due date of a loan's n-th installment as booked, moved by any deferral the run granted. */
function dueDateOf(r: SimulationResult, loanId: string, installmentNo: number): string {
  const loan = portfolio.loans.find((l) => l.loanId === loanId);
  const booked = loan && buildSchedule(loan, rules)[installmentNo - 1];
  if (!booked) throw new Error(`no installment ${installmentNo} on ${loanId}`);
  const deferred = eventsOf(r, 'HardshipGranted', loanId).reduce(
    (d, e) => d + Number(e.detail.deferralDays),
    0,
  );
  return addDays(booked.dueDate, deferred);
}

/**
 * The episodes the book must run, by construction of the fixture: the installment each escalates (the
 * oldest unpaid one) and the last rung it reaches. A loan that is never paid reaches D+90 as a step; at
 * D+120 the ageing job (06:00, before the rung at 09:00) has charged it off and the workflow ends.
 * `b-multi` and `b-quad` are left out here: several loans of one person run into the daily caps
 * (tested below).
 */
const episodes = [
  { loanId: 'L-never', episode: 1, installmentNo: 1, lastRung: 'D+90' },
  { loanId: 'L-ny', episode: 1, installmentNo: 1, lastRung: 'D+90' },
  // Pays everything at D+12: after the D+7 notice, before the D+15 call.
  { loanId: 'L-late', episode: 1, installmentNo: 1, lastRung: 'D+7' },
  // Cures the first installment at D+12; the second, never paid, opens episode 2.
  { loanId: 'L-cure', episode: 1, installmentNo: 1, lastRung: 'D+7' },
  { loanId: 'L-cure', episode: 2, installmentNo: 2, lastRung: 'D+90' },
  // Deferred 20 days before its due date and never paid: the ladder counts from the new date.
  { loanId: 'L-hs', episode: 1, installmentNo: 1, lastRung: 'D+90' },
];

/** What a rung leaves in contacts.jsonl for a borrower with a phone and an email, as `channel` or `task`. */
const rungOutputs = (rung: (typeof ladder)[number]) => [...rung.channels, ...(rung.task ? ['task'] : [])];

/**
 * Where a rung's task goes: calls to the agent queue; legal review and referral to the legal queue, as the
 * book's borrowers carry no `consents` (all given, sharing with collection agencies included).
 */
const taskLine = (task: string) =>
  task === 'agent_call'
    ? { channel: 'agent', to: rules.collection.agentQueueName, templateId: 'task.agent_call' }
    : { channel: 'legal', to: rules.collection.legalQueueName, templateId: `task.${task}` };

describe('the escalation ladder in a 170-day simulation', () => {
  it('takes each rung of an episode once, in ladder order, on its day counted from the oldest unpaid due date', () => {
    for (const ep of episodes) {
      const due = dueDateOf(clean, ep.loanId, ep.installmentNo);
      const last = rungIndex(ep.lastRung);
      const context = `${ep.loanId} episode ${ep.episode} (due ${due})`;

      // The workflow's steps: every rung up to the last once, in order, each at 09:00 on its day.
      const steps = ladderEvents(clean, ep.loanId, ep.episode);
      expect(
        steps.map((e) => `${e.detail.rung}@${e.at}`),
        context,
      ).toEqual(
        ladder
          .slice(0, last + 1)
          .map((r) => `${r.id}@${new Date(at0900(addDays(due, r.offsetDays))).toISOString()}`),
      );
      expect(steps[0]?.type, context).toBe('EscalationStarted');
      expect(steps.map((e) => e.detail.daysPastDue)).toEqual(
        ladder.slice(0, last + 1).map((r) => r.offsetDays),
      );

      // The contacts of the episode: rung lines naming the escalated installment.
      const lines = linesOf(clean, ep.loanId).filter(
        (l) => rungIds.has(l.stage) && l.installmentNo === ep.installmentNo,
      );
      const sent = lines.filter((l) => l.status === 'sent');
      const expected = ladder
        .slice(0, last + 1)
        .flatMap((r) => rungOutputs(r).map((o) => `${r.id}/${o}`))
        .sort();
      expect(sent.map((l) => `${l.stage}/${isTask(l) ? 'task' : l.channel}`).sort(), context).toEqual(
        expected,
      );
      // In ladder order over time.
      const order = sent.map((l) => rungIndex(l.stage));
      expect(
        order.every((v, i) => i === 0 || v >= (order[i - 1] as number)),
        `${context}: ${sent.map((l) => l.stage)}`,
      ).toBe(true);

      for (const rung of ladder.slice(0, last + 1)) {
        const decisionAt = at0900(addDays(due, rung.offsetDays));
        for (const output of rungOutputs(rung)) {
          const of = lines.filter((l) => l.stage === rung.id && (isTask(l) ? 'task' : l.channel) === output);
          const where = `${context} ${rung.id}/${output}: ${JSON.stringify(of)}`;
          // Decided at 09:00 lender time on the rung's day.
          expect(Date.parse(of[0]?.at ?? ''), where).toBe(decisionAt);
          const [sentLine] = of.filter((l) => l.status === 'sent');
          if (!sentLine) throw new Error(`${where}: not sent`);
          if (output === 'task') {
            expect(sentLine, where).toMatchObject(taskLine(rung.task as string));
            continue;
          }
          if (Date.parse(sentLine.at) !== decisionAt) {
            // Deferred by the borrower's window: sent when it next opens, within a day of the decision.
            expect(of[0]?.status, where).toBe('deferred');
            expect(toZoned(sentLine.at, zoneOf(sentLine.borrowerId)).minuteOfDay, where).toBe(
              minuteOfDay(rules.contact.windowStart),
            );
            expect(Date.parse(sentLine.at) - decisionAt, where).toBeLessThan(DAY_MS);
          }
        }
      }
      // Nothing of a rung past the last one reached.
      expect(
        lines.filter((l) => rungIndex(l.stage) > last),
        context,
      ).toEqual([]);
    }
    // The New York borrower's messages were decided at 21:00 her time and went out at 08:00.
    expect(linesOf(clean, 'L-ny').some((l) => l.stage === 'D+7' && l.status === 'deferred')).toBe(true);
    // The summary counts the same tasks for people as contacts.jsonl shows.
    const tasks = (channel: string) => clean.contacts.filter((l) => l.channel === channel).length;
    expect(clean.summary.escalation?.agentTasks).toBe(tasks('agent'));
    expect(clean.summary.escalation?.legalTasks).toBe(tasks('legal'));
    expect(tasks('legal')).toBeGreaterThan(0);
  });

  it('keeps every SMS and email in 08:00–21:00 local and under the daily and weekly caps, and agent calls under theirs', () => {
    const c = rules.contact;
    const sentMessages = clean.contacts.filter((l) => l.status === 'sent' && isMessage(l));
    expect(sentMessages.length).toBeGreaterThan(100);
    const perDay = new Map<string, Set<string>>();
    for (const l of sentMessages) {
      const local = toZoned(l.at, zoneOf(l.borrowerId));
      expect(local.minuteOfDay, JSON.stringify(l)).toBeGreaterThanOrEqual(minuteOfDay(c.windowStart));
      expect(local.minuteOfDay, JSON.stringify(l)).toBeLessThan(minuteOfDay(c.windowEnd));
      // Lines carry no message id. A reminder is one message per stage that lists the person's loans (one
      // line per loan, one `at`); a rung's message is its loan's own. Two stages can go out at one instant.
      const key = `${l.borrowerId}|${local.date}|${l.channel}`;
      const message = `${l.at}|${l.stage}|${rungIds.has(l.stage) ? l.loanId : '*'}`;
      perDay.set(key, (perDay.get(key) ?? new Set()).add(message));
    }
    for (const [key, messages] of perDay) {
      const cap = key.endsWith('|sms') ? c.maxSmsPerBorrowerPerDay : c.maxEmailsPerBorrowerPerDay;
      expect(messages.size, `${key}: ${[...messages]}`).toBeLessThanOrEqual(cap);
    }
    // The cap was reached, not just never approached: b-multi's third SMS stage of 2027-03-27 (L-m1 at
    // D+7, L-m2 at D-1, L-m3 due) was held back.
    expect(clean.contacts).toContainEqual(
      expect.objectContaining({
        loanId: 'L-m3',
        stage: 'D0',
        channel: 'sms',
        status: 'suppressed',
        reason: 'daily_cap',
      }),
    );
    expect(perDay.get('b-multi|2027-03-27|sms')?.size).toBe(c.maxSmsPerBorrowerPerDay);

    // From D+4 on, per loan: at most 7 contacts in any rolling 7 days (counted at each rung message).
    for (const l of sentMessages.filter((x) => rungIds.has(x.stage))) {
      const end = Date.parse(l.at);
      const inWindow = sentMessages.filter(
        (x) => x.loanId === l.loanId && Date.parse(x.at) > end - 7 * DAY_MS && Date.parse(x.at) <= end,
      );
      expect(inWindow.length, `${l.loanId} ${l.at}`).toBeLessThanOrEqual(c.maxContactsPerLoanPer7Days);
    }

    // Agent calls: at most 3 per person per local day; b-quad's four D+15 calls came 3 + 1.
    const calls = new Map<string, number>();
    for (const l of clean.contacts.filter((x) => x.status === 'sent' && x.templateId === 'task.agent_call')) {
      const key = `${l.borrowerId}|${toZoned(l.at, zoneOf(l.borrowerId)).date}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
    for (const [key, n] of calls) expect(n, key).toBeLessThanOrEqual(c.maxAgentTasksPerBorrowerPerDay);
    expect(calls.get('b-quad|2027-04-05')).toBe(c.maxAgentTasksPerBorrowerPerDay);
    expect(calls.get('b-quad|2027-04-06')).toBe(1);
  });

  it('contacts nobody about an installment after the payment that cured it, and ends the episode there', () => {
    const settling = eventsOf(clean, 'PaymentReceived').filter((e) => e.detail.daysPastDue === 0);
    let checked = 0;
    for (const payment of settling) {
      const loanId = String(payment.detail.loanId);
      const paidAt = Date.parse(payment.at);
      const lines = linesOf(clean, loanId);
      const before = lines.filter((l) => Date.parse(l.at) <= paidAt);
      const after = lines.filter((l) => Date.parse(l.at) > paidAt);
      const settled = new Set(before.map((l) => l.installmentNo));
      if (settled.size === 0) continue;
      checked++;
      // Nothing more about what the payment settled (messages or tasks, any status).
      expect(
        after.filter((l) => settled.has(l.installmentNo)),
        loanId,
      ).toEqual([]);
      // No rung at all until a new episode opens.
      const nextEpisode = eventsOf(clean, 'EscalationStarted', loanId).find((e) => Date.parse(e.at) > paidAt);
      const until = nextEpisode ? Date.parse(nextEpisode.at) : Number.POSITIVE_INFINITY;
      expect(
        after.filter((l) => rungIds.has(l.stage) && Date.parse(l.at) < until),
        loanId,
      ).toEqual([]);
      expect(
        eventsOf(clean, 'EscalationStepTaken', loanId).filter(
          (e) => Date.parse(e.at) > paidAt && Date.parse(e.at) < until,
        ),
        loanId,
      ).toEqual([]);
    }
    // L-late and L-cure cured at D+12, L-m1 at D+10, b-quad's four at D+18; L-m2 and L-m3 paid when due.
    expect(checked).toBe(9);
    expect(
      eventsOf(clean, 'LoanCured')
        .map((e) => e.detail.loanId)
        .sort(),
    ).toEqual(['L-cure', 'L-late', 'L-m1', 'L-q1', 'L-q2', 'L-q3', 'L-q4']);
  });

  it('opens episode 2 when a cured loan falls overdue again, and takes its rungs again', () => {
    const started = readFileSync(join(outDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { at: string; type: string; loanId: string; episode: number; rung: string },
      )
      .filter((e) => e.type === 'EscalationStarted' && e.loanId === 'L-cure');
    expect(started.map((e) => [e.episode, e.rung])).toEqual([
      [1, 'D+4'],
      [2, 'D+4'],
    ]);
    const cured = eventsOf(clean, 'LoanCured', 'L-cure')[0];
    expect(Date.parse(started[1]?.at ?? '')).toBeGreaterThan(Date.parse(cured?.at ?? ''));
    // Episode 2 counts from the second installment's due date: D+4 is its fourth day past due.
    const due2 = dueDateOf(clean, 'L-cure', 2);
    expect(Date.parse(started[1]?.at ?? '')).toBe(at0900(addDays(due2, 4)));

    // Each rung's contacts again, for the second installment, on their days.
    const rungLines = linesOf(clean, 'L-cure').filter((l) => rungIds.has(l.stage) && l.status === 'sent');
    const byEpisode = (n: number) =>
      rungLines
        .filter((l) => l.installmentNo === n)
        .map(
          (l) =>
            `${l.stage}/${isTask(l) ? 'task' : l.channel}@${daysBetween(dueDateOf(clean, 'L-cure', n), lenderDate(l.at))}`,
        )
        .sort();
    expect(byEpisode(1)).toEqual(['D+7/email@7', 'D+7/sms@7']);
    expect(byEpisode(2)).toEqual(
      [
        'D+7/sms@7',
        'D+7/email@7',
        'D+15/task@15',
        'D+30/sms@30',
        'D+30/email@30',
        'D+30/task@30',
        'D+60/task@60',
      ].sort(),
    );
  });

  it('reminds about an installment re-dated by a hardship deferral for its new due date (D-3, D-1, D0, …)', () => {
    const granted = eventsOf(clean, 'HardshipGranted', 'L-hs');
    expect(granted).toHaveLength(1);
    const loan = portfolio.loans.find((l) => l.loanId === 'L-hs');
    if (!loan) throw new Error('L-hs is not in the book');
    const due = dueDateOf(clean, 'L-hs', 1);
    expect(due).toBe(addDays(buildSchedule(loan, rules)[0]?.dueDate ?? '', 20));

    const sent = linesOf(clean, 'L-hs').filter((l) => l.status === 'sent' && !rungIds.has(l.stage));
    // Every reminder stage and channel once, on its day counted from the new date, at 09:00.
    const expected = rules.contact.reminderStages
      .flatMap((s) =>
        s.channels.map((ch) => `${s.id}/${ch}@${new Date(at0900(addDays(due, s.offsetDays))).toISOString()}`),
      )
      .sort();
    expect(sent.map((l) => `${l.stage}/${l.channel}@${new Date(l.at).toISOString()}`).sort()).toEqual(
      expected,
    );
    // Nothing at all between the grant and the new D-3, when the old due date came and went.
    const grantAt = Date.parse(granted[0]?.at ?? '');
    const newFirst = at0900(addDays(due, -3));
    expect(
      linesOf(clean, 'L-hs').filter((l) => Date.parse(l.at) > grantAt && Date.parse(l.at) < newFirst),
    ).toEqual([]);
  });

  it('runs one execution per episode, also with duplicated sweeps, and sends the same contacts with faults', () => {
    const episodeKeys = (r: SimulationResult) =>
      eventsOf(r, 'EscalationStarted').map((e) => `${e.detail.loanId}#${e.detail.episode}`);
    for (const r of [clean, faulty]) {
      const keys = episodeKeys(r);
      // One EscalationStarted per (loan, episode), and as many executions as episodes.
      expect(new Set(keys).size).toBe(keys.length);
      expect(r.summary.escalation?.episodesStarted).toBe(new Set(keys).size);
      expect(r.summary.escalation?.failedExecutions).toBe(0);
      expect(r.summary.escalation?.waitingAtEnd).toBe(0);
    }
    // Ten loans past grace, L-cure twice; L-m2 and L-m3 were paid on time.
    expect(clean.summary.escalation?.episodesStarted).toBe(11);
    expect(episodeKeys(faulty).sort()).toEqual(episodeKeys(clean).sort());
    // The same rung steps too (a duplicated start would repeat them).
    const steps = (r: SimulationResult) =>
      eventsOf(r, 'EscalationStepTaken')
        .map((e) => `${e.detail.loanId}#${e.detail.episode}#${e.detail.rung}`)
        .sort();
    expect(steps(faulty)).toEqual(steps(clean));

    // The faults did happen.
    const f = faulty.summary.faults;
    expect(f.snsFailures).toBeGreaterThan(0);
    expect(f.crashes).toBeGreaterThan(0);
    expect(f.duplicateSweeps).toBeGreaterThan(0);
    expect(faulty.summary.carrierDuplicates).toBeLessThanOrEqual(f.crashes);
    // No duplicate and none missing: the same sent contacts, messages and tasks.
    expect(sentKeys(faulty)).toEqual(sentKeys(clean));
    expect(new Set(sentKeys(clean)).size).toBe(sentKeys(clean).length);
  });

  it('ages loans into the buckets their days past due give at the end, with each transition once on its day', () => {
    // The simulation deletes its table at the end and does not name it, so the loan view cannot be read
    // from DynamoDB Local afterwards: the buckets are those `summarize` reads from the table on the last
    // day, checked against the days past due the book implies.
    const lastDay = addDays(ESCALATION_FROM, ESCALATION_DAYS - 1);
    const paidOff = new Set(
      eventsOf(clean, 'PaymentReceived')
        .filter((e) => e.detail.daysPastDue === 0)
        .map((e) => String(e.detail.loanId)),
    );
    const oldestUnpaid: Record<string, number> = { 'L-cure': 2 };
    const bucketOf = (dpd: number) =>
      rules.delinquency.buckets.find((b) => b.maxDpd === null || dpd <= b.maxDpd)?.name as string;
    const expected: Record<string, number> = {};
    const dpdAtEnd = new Map<string, number>();
    for (const loan of portfolio.loans) {
      const settledForGood = paidOff.has(loan.loanId) && !(loan.loanId in oldestUnpaid);
      const dpd = settledForGood
        ? 0
        : Math.max(0, daysBetween(dueDateOf(clean, loan.loanId, oldestUnpaid[loan.loanId] ?? 1), lastDay));
      dpdAtEnd.set(loan.loanId, dpd);
      const bucket = bucketOf(dpd);
      expected[bucket] = (expected[bucket] ?? 0) + 1;
    }
    expect(clean.summary.loansByBucket).toEqual(expected);
    expect(expected).toEqual({ current: 8, 'M3+': 4 });
    expect(faulty.summary.loansByBucket).toEqual(expected);

    // The ageing job's transitions: non-performing at 90 DPD and charge-off at 120, each once, on the day
    // the loan reaches them, at the job's hour.
    const ageingMinute = minuteOfDay(rules.collection.ageingAt);
    for (const [type, dpd] of [
      ['LoanNonPerforming', rules.delinquency.nonPerformingDpd],
      ['LoanChargedOff', rules.delinquency.chargeOffDpd],
    ] as const) {
      const reached = [...dpdAtEnd].filter(([, d]) => d >= dpd).map(([id]) => id);
      expect(reached).toHaveLength(4);
      expect(
        eventsOf(clean, type)
          .map((e) => e.detail.loanId)
          .sort(),
      ).toEqual(reached.sort());
      for (const loanId of reached) {
        const [event] = eventsOf(clean, type, loanId);
        const due = dueDateOf(clean, loanId, oldestUnpaid[loanId] ?? 1);
        expect(event?.detail.daysPastDue, `${type} ${loanId}`).toBe(dpd);
        expect(toZoned(event?.at ?? '', LENDER_ZONE), `${type} ${loanId}`).toEqual({
          date: addDays(due, dpd),
          minuteOfDay: ageingMinute,
        });
      }
    }
  });
});
