import { describe, expect, it, vi } from 'vitest';
import { loadRules, type Rules } from '#shared/config/rules.ts';
import { SliceBusy } from '#shared/errors/domain-errors.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { ContactKey } from '#shared/ports/records.ts';
import { processContactJobs } from '#shared/reminders/send-contact.ts';
import { slicesOf, startDailySweep } from '#shared/reminders/start-sweep.ts';
import { runSweepSlice, type SliceBudget, type SliceResult } from '#shared/reminders/sweep-slice.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import { type SweepSlice, sliceIdOf } from '#shared/schemas/sweep-slice.ts';
import { addBorrower, addLoan, type Harness, harness, nineAm } from './harness.ts';

/** 2027-06-10: the loans `addLoan` books fall due that day, so its D0 slice has them all. */
const DUE = '2027-06-10';
/** Pages of 10, and one due-index shard, so one slice holds the whole book over many pages. */
const RULES = loadRules({ contact: { sweepPageSize: 10 }, schedule: { dueIndexShards: 1 } });

/** A harness at 09:00 on `DUE` with `borrowers` people (own identity, phone and email), every fourth with two loans. */
async function book(borrowers = 60, rules: Rules = RULES): Promise<Harness> {
  const h = harness(nineAm(DUE), rules);
  for (let n = 0; n < borrowers; n++) {
    const tag = String(n).padStart(3, '0');
    const b = await addBorrower(h, {
      borrowerId: `u${tag}`,
      idNumber: `ID-${tag}`,
      phone: `+8613700000${tag}`,
      email: `u${tag}@example.com`,
    });
    await addLoan(h, `L${tag}a`, b);
    if (n % 4 === 0) await addLoan(h, `L${tag}b`, b);
  }
  h.events.events.length = 0; // LoanBooked is not what these tests look at
  return h;
}

/** The date's D0 slice (shard 0: the only one under `RULES`). */
function d0Slice(rules: Rules = RULES, shard = 0): SweepSlice {
  const slice = slicesOf(DUE, rules).find((s) => s.stage === 'D0' && s.shard === shard);
  if (!slice) throw new Error('no D0 slice');
  return slice;
}

/** A slice queue that keeps what is put on it. */
function sliceQueue() {
  const queued: SweepSlice[] = [];
  return { queued, enqueue: async (more: SweepSlice[]) => void queued.push(...structuredClone(more)) };
}

/** A budget spent after `pages` pages (never, without a number), calling `afterPage` first. */
function budget(owner: string, pages = Number.POSITIVE_INFINITY, afterPage?: () => void): SliceBudget {
  let done = 0;
  return {
    owner,
    spent: () => done >= pages,
    afterPage: () => {
      done += 1;
      afterPage?.();
    },
  };
}

/** The slice run in one invocation with all the time it needs, on a harness of its own. */
async function uninterrupted(): Promise<{ jobs: ContactJob[]; result: SliceResult }> {
  const h = await book();
  const result = await runSweepSlice({ ...h, slices: sliceQueue() }, d0Slice(), budget('whole'));
  return { jobs: h.queue.jobs, result };
}

const byJobId = (jobs: readonly ContactJob[]) => [...jobs].sort((a, b) => (a.jobId < b.jobId ? -1 : 1));

/** How many times each job id was queued. */
function timesQueued(jobs: readonly ContactJob[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const job of jobs) times.set(job.jobId, (times.get(job.jobId) ?? 0) + 1);
  return times;
}

/** Each job once, as it was first queued. */
function firstOfEach(jobs: readonly ContactJob[]): ContactJob[] {
  const first = new Map<string, ContactJob>();
  for (const job of jobs) if (!first.has(job.jobId)) first.set(job.jobId, job);
  return [...first.values()];
}

/** Sends what was queued, ten jobs a batch as SQS hands them over. */
async function sendAll(h: Harness, jobs: readonly ContactJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 10) {
    const outcomes = await processContactJobs(h, jobs.slice(i, i + 10));
    for (const o of outcomes) expect(o.kind).toBe('done');
  }
}

describe('runSweepSlice', () => {
  it('pages through the whole slice and completes it in one invocation with time to spare', async () => {
    const { jobs, result } = await uninterrupted();
    // 60 borrowers, 75 installments, two channels at D0; pages of at most 10 items.
    expect(result.status).toBe('done');
    expect(result.counts).toMatchObject({ installments: 75, jobs: 120 });
    expect(result.counts.pages).toBeGreaterThanOrEqual(8);
    expect(jobs).toHaveLength(120);
    expect(new Set(jobs.map((j) => j.jobId)).size).toBe(120);
    expect(jobs.flatMap((j) => j.items.map((i) => `${j.channel}:${i.loanId}`)).sort()).toEqual(
      ['sms', 'email']
        .flatMap((c) =>
          Array.from({ length: 60 }, (_, n) => String(n).padStart(3, '0')).flatMap((tag) =>
            Number(tag) % 4 === 0 ? [`${c}:L${tag}a`, `${c}:L${tag}b`] : [`${c}:L${tag}a`],
          ),
        )
        .sort(),
    );
  });

  describe('out of budget', () => {
    it('stops after the pages its budget allows, answers continued and queues the slice again', async () => {
      const h = await book();
      const slices = sliceQueue();
      const pages: number[] = [];
      const first = await runSweepSlice(
        { ...h, slices },
        d0Slice(),
        budget('first', 2, () => pages.push(h.queue.jobs.length)),
      );
      expect(first.status).toBe('continued');
      expect(first.counts.pages).toBe(2);
      expect(pages).toHaveLength(2);
      expect(slices.queued).toEqual([d0Slice()]);
      expect(h.queue.jobs.length).toBe(first.counts.jobs);
    });

    it('finishes in the slice queued again, which takes over at once, and queues every job once', async () => {
      const whole = await uninterrupted();
      const h = await book();
      const slices = sliceQueue();
      const first = await runSweepSlice({ ...h, slices }, d0Slice(), budget('first', 2));
      expect(first.status).toBe('continued');
      const again = slices.queued.shift() as SweepSlice;
      // The same instant: the continued slice gave its lease up, so no wait for it to run out.
      const rest = await runSweepSlice({ ...h, slices }, again, budget('second'));
      expect(rest.status).toBe('done');
      expect(slices.queued).toEqual([]);
      // Counted across both invocations as in one.
      expect(rest.counts).toEqual(whole.result.counts);
      expect([...timesQueued(h.queue.jobs).values()].every((n) => n === 1)).toBe(true);
      expect(byJobId(h.queue.jobs)).toEqual(byJobId(whole.jobs));
    });

    it('goes on invocation after invocation, two pages each, to the same jobs as one run', async () => {
      const whole = await uninterrupted();
      const h = await book();
      const slices = sliceQueue();
      const statuses: string[] = [];
      let next: SweepSlice | undefined = d0Slice();
      for (let n = 1; next; n++) {
        const result = await runSweepSlice({ ...h, slices }, next, budget(`invocation-${n}`, 2));
        statuses.push(result.status);
        next = slices.queued.shift();
      }
      const pages = whole.result.counts.pages;
      expect(statuses).toEqual([...Array(Math.ceil(pages / 2) - 1).fill('continued'), 'done']);
      expect([...timesQueued(h.queue.jobs).values()].every((n) => n === 1)).toBe(true);
      expect(byJobId(h.queue.jobs)).toEqual(byJobId(whole.jobs));
    });
  });

  describe('an invocation that dies', () => {
    it("between a page's jobs and its checkpoint: the takeover after the lease redoes that page alone, with the same jobs", async () => {
      const whole = await uninterrupted();
      const h = await book();
      const slices = sliceQueue();
      const store = h.repos.sweepSlices;
      const realCheckpoint = store.checkpoint.bind(store);
      let checkpoints = 0;
      // The third checkpoint never happens: the process dies once page 3's jobs are queued.
      const checkpoint = vi.spyOn(store, 'checkpoint').mockImplementation(async (...args) => {
        checkpoints += 1;
        if (checkpoints === 3) throw new Error('the invocation died');
        return realCheckpoint(...args);
      });
      const marks: number[] = [];
      await expect(
        runSweepSlice(
          { ...h, slices },
          d0Slice(),
          budget('died', Number.POSITIVE_INFINITY, () => marks.push(h.queue.jobs.length)),
        ),
      ).rejects.toThrow('the invocation died');
      checkpoint.mockRestore();
      expect(marks).toHaveLength(2);
      const diedPage = h.queue.jobs.slice(marks[1]);
      expect(diedPage.length).toBeGreaterThan(0);

      // SQS delivers the slice again: while the dead invocation's lease lives, it is busy.
      await expect(runSweepSlice({ ...h, slices }, d0Slice(), budget('too-early'))).rejects.toBeInstanceOf(
        SliceBusy,
      );
      // Still busy a second before the lease (in seconds) ends; free a second after it.
      h.clock.advance(h.rules.contact.sweepSliceLeaseSeconds * 1000 - 1000);
      await expect(runSweepSlice({ ...h, slices }, d0Slice(), budget('still-early'))).rejects.toBeInstanceOf(
        SliceBusy,
      );
      h.clock.advance(2000);
      const before = h.queue.jobs.length;
      const redo: number[] = [];
      const takeover = await runSweepSlice(
        { ...h, slices },
        d0Slice(),
        budget('takeover', Number.POSITIVE_INFINITY, () => redo.push(h.queue.jobs.length)),
      );
      expect(takeover.status).toBe('done');
      expect(takeover.counts).toEqual(whole.result.counts);

      // The takeover's first page is the page that died, job for job.
      expect(h.queue.jobs.slice(before, redo[0])).toEqual(diedPage);
      const times = timesQueued(h.queue.jobs);
      expect([...times.values()].every((n) => n <= 2)).toBe(true);
      expect([...times].filter(([, n]) => n === 2).map(([id]) => id)).toEqual(diedPage.map((j) => j.jobId));
      expect(byJobId(firstOfEach(h.queue.jobs))).toEqual(byJobId(whole.jobs));

      // The sender claims each contact once: the page queued twice goes out once.
      await sendAll(h, h.queue.jobs);
      expect(h.sender.sent).toHaveLength(whole.jobs.length);
      expect(new Set(h.sender.sent.map((m) => `${m.channel}:${m.to}`)).size).toBe(whole.jobs.length);
    });

    it('after a page’s checkpoint: the takeover goes on from it and queues nothing twice', async () => {
      const whole = await uninterrupted();
      const h = await book();
      const slices = sliceQueue();
      let pages = 0;
      await expect(
        runSweepSlice(
          { ...h, slices },
          d0Slice(),
          budget('died', Number.POSITIVE_INFINITY, () => {
            pages += 1;
            if (pages === 3) throw new Error('the invocation died');
          }),
        ),
      ).rejects.toThrow('the invocation died');
      h.clock.advance(h.rules.contact.sweepSliceLeaseSeconds * 1000 + 1000);
      const takeover = await runSweepSlice({ ...h, slices }, d0Slice(), budget('takeover'));
      expect(takeover.status).toBe('done');
      expect(takeover.counts).toEqual(whole.result.counts);
      expect([...timesQueued(h.queue.jobs).values()].every((n) => n === 1)).toBe(true);
      expect(byJobId(h.queue.jobs)).toEqual(byJobId(whole.jobs));
    });
  });
});

describe('startDailySweep', () => {
  const D = '2027-06-10';
  const rules = loadRules({ contact: { sweepPageSize: 10 } });

  async function start(cursor: string | undefined, date = D, withRules = rules) {
    const h = harness(nineAm(date), withRules);
    if (cursor) await h.repos.sweepSlices.advanceCursor(cursor);
    const slices = sliceQueue();
    const result = await startDailySweep({ ...h, slices }, date);
    return { h, slices: slices.queued, result };
  }

  it('queues one slice per stage and shard, and the escalation slices, for the date', async () => {
    const { h, slices, result } = await start(undefined);
    const stages = rules.contact.reminderStages.length;
    const shards = rules.schedule.dueIndexShards;
    expect(slices).toHaveLength((stages + 1) * shards);
    expect(new Set(slices.map(sliceIdOf)).size).toBe(slices.length);
    expect(result).toEqual({ dates: [D], slices: slices.length });
    expect(await h.repos.sweepSlices.lastSweptDate()).toBe(D);
  });

  it('queues the slices in batches of at most 10 (SQS SendMessageBatch), none empty, also when 10 divides their count', async () => {
    // Five shards: (5 stages + the escalation slice) × 5 = 30 slices, three full batches.
    const fiveShards = loadRules({ contact: { sweepPageSize: 10 }, schedule: { dueIndexShards: 5 } });
    const h = harness(nineAm(D), fiveShards);
    const batches: number[] = [];
    const result = await startDailySweep(
      { ...h, slices: { enqueue: async (batch: SweepSlice[]) => void batches.push(batch.length) } },
      D,
    );
    expect(result.slices).toBe(30);
    expect(batches).toEqual([10, 10, 10]);
  });

  it('catches up from a cursor at D-3: the slices of D-2, D-1 and D, oldest first, and moves the cursor to D', async () => {
    const { h, slices, result } = await start(addDays(D, -3));
    const dates = [addDays(D, -2), addDays(D, -1), D];
    expect(result.dates).toEqual(dates);
    expect(slices).toEqual(dates.flatMap((date) => slicesOf(date, rules)));
    expect(await h.repos.sweepSlices.lastSweptDate()).toBe(D);
  });

  it('catches up no more than sweepCatchUpDays missed dates', async () => {
    const { result } = await start(addDays(D, -30));
    expect(result.dates).toEqual([7, 6, 5, 4, 3, 2, 1, 0].map((back) => addDays(D, -back)));
  });

  it('queues the date alone when its cursor is already there (a repeated start), and keeps the cursor', async () => {
    const { h, slices, result } = await start(D);
    expect(result.dates).toEqual([D]);
    expect(slices).toEqual(slicesOf(D, rules));
    await h.repos.sweepSlices.advanceCursor(addDays(D, -1));
    expect(await h.repos.sweepSlices.lastSweptDate()).toBe(D);
  });

  it('records a pre-due reminder of a missed date, sent on D, as suppressed missed_window, and sends what is due today', async () => {
    // L1 falls due on D. The sweep of D-1 never ran (the cursor says D-2): its D-1 reminder comes late.
    const h = harness(nineAm(D), rules);
    const u1 = await addBorrower(h, { borrowerId: 'u1', email: 'u1@example.com' });
    await addLoan(h, 'L1', u1);
    await h.repos.sweepSlices.advanceCursor(addDays(D, -2));
    const slices = sliceQueue();
    await startDailySweep({ ...h, slices }, D);
    for (const slice of slices.queued.splice(0)) await runSweepSlice({ ...h, slices }, slice, budget('w'));
    const late = h.queue.jobs.filter((j) => j.businessDate === addDays(D, -1));
    expect(late.map((j) => [j.jobId, j.stage, j.items])).toEqual([
      [`${addDays(D, -1)}|p1|u1|D-1|sms`, 'D-1', [{ loanId: 'L1', installmentNo: 1, dueDate: D }]],
    ]);

    h.events.events.length = 0;
    await sendAll(h, h.queue.jobs);
    const missed: ContactKey = {
      loanId: 'L1',
      installmentNo: 1,
      occurrence: D,
      stage: 'D-1',
      channel: 'sms',
    };
    expect(await h.repos.contacts.get(missed)).toMatchObject({
      status: 'suppressed',
      failure: 'missed_window',
    });
    expect(h.log.lines.filter((l) => l.stage === 'D-1')).toMatchObject([
      { loanId: 'L1', channel: 'sms', status: 'suppressed', reason: 'missed_window' },
    ]);
    // Nothing went out for D-1: the two messages are D0's, SMS and email.
    expect(
      h.log.lines
        .filter((l) => l.status === 'sent')
        .map((l) => [l.stage, l.channel])
        .sort(),
    ).toEqual([
      ['D0', 'email'],
      ['D0', 'sms'],
    ]);
    expect(h.sender.sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
  });

  it('run twice at once, leads to each contact sent once when every slice queued has run', async () => {
    const h = await book(60, rules);
    const slices = sliceQueue();
    // Two coordinators (the scheduler fired twice) at the same instant, their slices in one queue.
    const [a, b] = await Promise.all([
      startDailySweep({ ...h, slices }, D),
      startDailySweep({ ...h, slices }, D),
    ]);
    expect(a.dates).toEqual([D]);
    expect(b.dates).toEqual([D]);
    expect(slices.queued).toHaveLength(2 * slicesOf(D, rules).length);

    // Each slice's two copies side by side, so that both workers begin the same slice together.
    slices.queued.sort((x, y) => (sliceIdOf(x) < sliceIdOf(y) ? -1 : 1));
    // Two workers take slices off the queue concurrently; a busy slice goes back to the queue.
    const outcomes: string[] = [];
    const worker = async (name: string) => {
      for (let n = 0, slice = slices.queued.shift(); slice; slice = slices.queued.shift(), n++) {
        if (n > 10_000) throw new Error('the slices never ran out');
        try {
          outcomes.push((await runSweepSlice({ ...h, slices }, slice, budget(`${name}-${n}`, 2))).status);
        } catch (err) {
          if (!(err instanceof SliceBusy)) throw err;
          outcomes.push('busy');
          slices.queued.push(slice);
        }
      }
    };
    await Promise.all([worker('w1'), worker('w2')]);
    // The copies did meet: some found the slice held by the other worker.
    expect(outcomes).toContain('busy');
    expect(outcomes.filter((o) => o === 'already-done').length).toBeGreaterThanOrEqual(
      slicesOf(D, rules).length,
    );
    expect(new Set(h.queue.jobs.map((j) => j.jobId)).size).toBe(120);

    await sendAll(h, h.queue.jobs);
    // 60 people, each an SMS and an email at D0: each once.
    expect(h.sender.sent).toHaveLength(120);
    const perAddress = new Map<string, number>();
    for (const m of h.sender.sent)
      perAddress.set(`${m.channel}:${m.to}`, (perAddress.get(`${m.channel}:${m.to}`) ?? 0) + 1);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    expect(perAddress.size).toBe(120);
    const sentLines = h.log.lines.filter((l) => l.status === 'sent');
    expect(new Set(sentLines.map((l) => `${l.loanId}|${l.stage}|${l.channel}`)).size).toBe(sentLines.length);
    expect(sentLines).toHaveLength(150); // 75 installments, on both channels
  });
});
