import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#local/manual-clock.ts';
import { defaultRules } from '#shared/config/rules.ts';
import { SliceBusy } from '#shared/errors/domain-errors.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import type { SweepSliceStore } from '#shared/ports/stores.ts';
import { slicesOf, startDailySweep } from '#shared/reminders/start-sweep.ts';
import { runSweepSlice, type SliceBudget, type SweepSliceDeps } from '#shared/reminders/sweep-slice.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { type SweepSlice, sliceIdOf } from '#shared/schemas/sweep-slice.ts';
import { newInstallmentRecords, planBooking } from '#shared/servicing/decide-booking.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { OutboxEventBus } from '#shared/storage/outbox.ts';
import { createRepositories, type Repositories } from '#shared/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

/**
 * The daily sweep at scale on DynamoDB Local: `INSTALLMENTS` installments due on one date, swept in slices by invocations that each
 * stop after the real-time budget of a slice Lambda (`sweepSliceBudgetSeconds`), with two invocations
 * killed midway and taken over after their lease. Jobs are queued in memory (there is no SQS here);
 * events go to the table's outbox. Figures are printed, not asserted.
 *
 * `npm test` sweeps 20,000 (loading 100,000 into the one DynamoDB Local every test file shares takes ten
 * minutes on two cores and starves the other files); `SWEEP_SCALE_INSTALLMENTS=100000 npx vitest run
 * test/integration/reminders/sweep-scale.test.ts` is the full size the issue names.
 */
const INSTALLMENTS = Number(process.env.SWEEP_SCALE_INSTALLMENTS ?? 20_000);
const DATE = '2027-09-15';
const rules = defaultRules;
/** Slice invocations running at once (the slice function's concurrency). */
const CONCURRENCY = 4;

/** An invocation the test kills. */
class InvocationDied extends Error {
  override name = 'InvocationDied';
}

/** One bullet loan per installment, all due on DATE; every fifth loan's borrower also holds the loan before it. */
function book(count: number): { loans: LoanRecord[]; installments: InstallmentRecord[] } {
  const loans: LoanRecord[] = [];
  const installments: InstallmentRecord[] = [];
  const now = new Date('2027-08-15T02:00:00.000Z');
  for (let i = 0; i < count; i++) {
    const borrower = i - Math.floor(i / 5);
    const terms = {
      principal: 100_000 + (i % 97) * 100,
      aprBps: 1800,
      termMonths: 1,
      repaymentMethod: 'bullet' as const,
      disbursedOn: '2027-08-15',
    };
    const { loan } = planBooking(
      {
        loanId: `L${String(i).padStart(7, '0')}`,
        partnerId: borrower % 3 === 0 ? 'p2' : 'p1',
        borrowerId: `b${String(borrower).padStart(7, '0')}`,
        identityHash: `h${borrower}`,
        terms,
      },
      now,
      rules,
    );
    const schedule = buildSchedule(terms, rules).map((s) => ({ ...s, dueDate: DATE }));
    loans.push(loan);
    installments.push(...newInstallmentRecords(loan, schedule));
  }
  return { loans, installments };
}

let table: TestTable | undefined;
afterAll(async () => {
  await table?.drop();
});

/** A job as queued by one invocation, with the page of that invocation it was queued from (1 = first). */
interface Queued {
  job: ContactJob;
  invocation: number;
  page: number;
}

describe('the daily sweep at scale', () => {
  it(
    `sweeps ${INSTALLMENTS} installments due on one date in budgeted slices, a killed slice redone with nothing queued twice but its last page`,
    async () => {
      const loadStarted = performance.now();
      table = await createTestTable();
      const repos: Repositories = createRepositories(table.client, table.tableName, rules);
      const { loans, installments } = book(INSTALLMENTS);
      await repos.loans.bulkLoad(loans, installments, 8);
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      console.log(
        `loaded ${loans.length} loans / ${installments.length} installments in ${loadSeconds.toFixed(1)} s`,
      );

      const clock = new ManualClock(new Date(`${DATE}T01:00:00.000Z`));
      const pending: SweepSlice[] = [];
      const sliceQueue = {
        enqueue: async (more: SweepSlice[]) => void pending.push(...structuredClone(more)),
      };
      // Events go to the table's outbox, as the deployed slice function's do.
      const outbox = new OutboxEventBus(documentClient(table.client), table.tableName);
      let events = 0;
      const bus = {
        publish: async (published: DomainEvent[]) => {
          events += published.length;
          await outbox.publish(published);
        },
      };
      let pagesRead = 0;
      const dueIndex = {
        findDueInstallments: repos.dueIndex.findDueInstallments.bind(repos.dueIndex),
        findDuePage: (...args: Parameters<Repositories['dueIndex']['findDuePage']>) => {
          pagesRead += 1;
          return repos.dueIndex.findDuePage(...args);
        },
      };

      const sweepStarted = performance.now();
      const started = await startDailySweep({ repos, slices: sliceQueue, rules }, DATE);
      expect(started.dates).toEqual([DATE]);
      const slices = slicesOf(DATE, rules);
      expect(pending).toEqual(slices);

      // Two kills, in the first invocation of two D0 slices (where the installments are): one dies
      // after its third page's jobs are queued and before that page's checkpoint, the other right after
      // its third page's checkpoint (afterPage throws).
      const d0 = slices.filter((s) => s.stage === 'D0');
      const killBeforeCheckpoint = sliceIdOf(d0[0] as SweepSlice);
      const killAfterPage = sliceIdOf(d0[1] as SweepSlice);
      const killed = new Map<string, number>(); // slice id -> the invocation that died

      const queued: Queued[] = [];
      const runs: { invocation: number; slice: string; status: string; pages: number; seconds: number }[] =
        [];
      let invocations = 0;
      const begun = new Set<string>(); // slices some invocation has begun
      const redeliver: SweepSlice[] = [];

      async function invoke(slice: SweepSlice): Promise<void> {
        const invocation = ++invocations;
        const id = sliceIdOf(slice);
        const firstOfSlice = !begun.has(id);
        begun.add(id);
        let page = 1;
        let checkpoints = 0;
        const store = repos.sweepSlices;
        const sweepSlices: SweepSliceStore = {
          begin: (...a) => store.begin(...a),
          checkpoint: async (...a) => {
            checkpoints += 1;
            if (firstOfSlice && id === killBeforeCheckpoint && checkpoints === 3)
              throw new InvocationDied(`invocation ${invocation} died before page 3's checkpoint`);
            return store.checkpoint(...a);
          },
          complete: (...a) => store.complete(...a),
          lastSweptDate: () => store.lastSweptDate(),
          advanceCursor: (d) => store.advanceCursor(d),
        };
        const deps: SweepSliceDeps = {
          repos: { ...repos, dueIndex, sweepSlices },
          queue: {
            enqueue: async (jobs) => void queued.push(...jobs.map((job) => ({ job, invocation, page }))),
          },
          slices: sliceQueue,
          events: bus,
          clock,
          rules,
        };
        const wallStart = Date.now();
        const budget: SliceBudget = {
          owner: `invocation-${invocation}`,
          spent: () => Date.now() - wallStart > rules.contact.sweepSliceBudgetSeconds * 1000,
          afterPage: () => {
            if (firstOfSlice && id === killAfterPage && page === 3)
              throw new InvocationDied(`invocation ${invocation} died after page 3's checkpoint`);
            page += 1;
          },
        };
        try {
          const result = await runSweepSlice(deps, slice, budget);
          runs.push({
            invocation,
            slice: id,
            status: result.status,
            pages: page - 1,
            seconds: (Date.now() - wallStart) / 1000,
          });
        } catch (err) {
          if (!(err instanceof InvocationDied)) throw err;
          killed.set(id, invocation);
          runs.push({
            invocation,
            slice: id,
            status: 'died',
            pages: page - 1,
            seconds: (Date.now() - wallStart) / 1000,
          });
          redeliver.push(slice); // SQS delivers it again after its visibility timeout
        }
      }
      const worker = async () => {
        for (let slice = pending.shift(); slice; slice = pending.shift()) await invoke(slice);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect([...killed.keys()].sort()).toEqual([killAfterPage, killBeforeCheckpoint].sort());

      // Delivered again while the dead invocations' leases live: busy, nothing queued.
      const before = queued.length;
      for (const slice of redeliver) {
        await expect(
          runSweepSlice(
            {
              repos,
              queue: { enqueue: async () => {} },
              slices: sliceQueue,
              events: bus,
              clock,
              rules,
            },
            slice,
            { owner: 'too-early', spent: () => true },
          ),
        ).rejects.toBeInstanceOf(SliceBusy);
      }
      expect(queued.length).toBe(before);
      // Once the leases have run out, the next deliveries take the slices over from their checkpoints.
      clock.advance((rules.contact.sweepSliceLeaseSeconds + 1) * 1000);
      pending.push(...redeliver.splice(0));
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const sweepSeconds = (performance.now() - sweepStarted) / 1000;

      // Every slice done.
      for (const slice of slices) {
        const state = await repos.sweepSlices.begin(DATE, sliceIdOf(slice), 'check', clock.now(), 1);
        expect([sliceIdOf(slice), state.kind]).toEqual([sliceIdOf(slice), 'done']);
      }

      // The page that died before its checkpoint was queued twice, the same jobs both times; nothing else was.
      const diedInvocation = killed.get(killBeforeCheckpoint) as number;
      const firstAttempt = queued
        .filter((q) => q.invocation === diedInvocation && q.page === 3)
        .map((q) => q.job);
      // The first invocation of that slice after the one that died took it over.
      const takeover = Math.min(
        ...runs
          .filter((r) => r.slice === killBeforeCheckpoint && r.invocation > diedInvocation)
          .map((r) => r.invocation),
      );
      const redo = queued.filter((q) => q.invocation === takeover && q.page === 1).map((q) => q.job);
      expect(firstAttempt.length).toBeGreaterThan(0);
      expect(redo).toEqual(firstAttempt);
      const times = new Map<string, number>();
      for (const { job } of queued) times.set(job.jobId, (times.get(job.jobId) ?? 0) + 1);
      const twice = [...times].filter(([, n]) => n > 1);
      expect(twice.every(([, n]) => n === 2)).toBe(true);
      expect(twice.map(([id]) => id).sort()).toEqual(firstAttempt.map((j) => j.jobId).sort());
      // The one killed after its checkpoint: its takeover went on from the page after, nothing redone.
      const afterPageDied = killed.get(killAfterPage) as number;
      const diedJobs = new Set(queued.filter((q) => q.invocation === afterPageDied).map((q) => q.job.jobId));
      expect([...diedJobs].every((id) => times.get(id) === 1)).toBe(true);

      // Across the union of what was queued, every installment is in exactly one job item per D0 channel.
      const unique = new Map<string, ContactJob>();
      for (const { job } of queued) if (!unique.has(job.jobId)) unique.set(job.jobId, job);
      for (const channel of ['sms', 'email'] as const) {
        const seen = new Map<string, number>();
        for (const job of unique.values()) {
          if (job.channel !== channel) continue;
          expect(job.stage).toBe('D0');
          for (const item of job.items) {
            const key = `${item.loanId}#${item.installmentNo}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        }
        expect(seen.size).toBe(installments.length);
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
      }
      // One job per borrower and channel.
      const borrowers = new Set(loans.map((l) => `${l.partnerId}#${l.borrowerId}`)).size;
      expect(unique.size).toBe(2 * borrowers);

      const continued = runs.filter((r) => r.status === 'continued').length;
      const figures = {
        installments: installments.length,
        borrowers,
        loadSeconds: Number(loadSeconds.toFixed(1)),
        slices: slices.length,
        invocations,
        continuations: continued,
        killed: killed.size,
        pagesRead,
        jobsQueued: queued.length,
        uniqueJobs: unique.size,
        redonePageJobs: firstAttempt.length,
        events,
        sweepWallSeconds: Number(sweepSeconds.toFixed(1)),
        longestInvocationSeconds: Number(Math.max(...runs.map((r) => r.seconds)).toFixed(1)),
        budgetSeconds: rules.contact.sweepSliceBudgetSeconds,
        pageSize: rules.contact.sweepPageSize,
        shards: rules.schedule.dueIndexShards,
        concurrency: CONCURRENCY,
      };
      console.log(`sweep at scale: ${JSON.stringify(figures, null, 2)}`);
      console.log(
        `D0 invocations: ${JSON.stringify(runs.filter((r) => r.slice.includes('#D0#')).map((r) => [r.invocation, r.slice, r.status, r.pages, r.seconds]))}`,
      );
    },
    30 * 60_000,
  );
});
