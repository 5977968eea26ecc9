import type { Clock } from '#shared/ports/clock.ts';
import type { ContactLog } from '#shared/ports/contact.ts';
import { processContactJobs, type SenderDeps } from '#shared/reminders/send-contact.ts';
import { Outbox } from '../outbox.ts';
import type { QueuedMessage, SimulatedQueue } from '../simulated-queue.ts';
import { type FaultSpec, SimulatedCrashError } from './faults.ts';

/** SQS visibility timeout and the backoff of a failed delivery, in simulated seconds. */
const VISIBILITY_SECONDS = 60;
/** Records per sender invocation, as the SQS event source is configured. */
const SQS_BATCH = 10;

/**
 * Works the queue as the sender's event source would, up to `until` on the simulated clock: batches as
 * SQS delivers them, a deferred job hidden until its window, a failed one back after its backoff.
 */
export async function drainContactQueue(
  queue: SimulatedQueue,
  clock: Clock & { set(at: Date): void },
  senderDeps: SenderDeps,
  until: Date,
): Promise<void> {
  for (;;) {
    const received = queue.receive(until, SQS_BATCH);
    if (!received) return;
    if (received.at.getTime() > clock.now().getTime()) clock.set(received.at);
    const outcomes = await processContactJobs(
      senderDeps,
      received.messages.map((m) => m.job),
    );
    for (const [i, outcome] of outcomes.entries()) {
      const message = received.messages[i] as QueuedMessage;
      if (outcome.kind === 'retry-at') queue.retryAt(message, outcome.at);
      else if (outcome.kind === 'failed') {
        const err = outcome.error as Error;
        if (!(err instanceof SimulatedCrashError) && err.name !== 'TransientSendError') throw err;
        queue.retryAt(
          message,
          new Date(clock.now().getTime() + VISIBILITY_SECONDS * 1000 * message.receives),
        );
      }
    }
  }
}

export interface FaultStats {
  snsFailures: number;
  crashes: number;
  duplicateSweeps: number;
  /** Carrier accepts per job: more than one is a repeat the carrier delivered. */
  carrierAccepts: Map<string, number>;
}

export const newFaultStats = (): FaultStats => ({
  snsFailures: 0,
  crashes: 0,
  duplicateSweeps: 0,
  carrierAccepts: new Map(),
});

/** The sender's dependencies with the carrier behind the outbox and the faults of `--faults` injected. */
export function faultySenderDeps<D extends Omit<SenderDeps, 'sender' | 'log' | 'afterCarrierAccept'>>(
  deps: D,
  log: ContactLog,
  faults: FaultSpec,
  random: () => number,
  stats: FaultStats,
): D & SenderDeps & { sender: Outbox } {
  const sender = new Outbox(() => {
    const fail = faults.sns > 0 && random() < faults.sns;
    if (fail) stats.snsFailures++;
    return fail;
  });
  return {
    ...deps,
    sender,
    log,
    afterCarrierAccept: (job: { jobId: string }) => {
      stats.carrierAccepts.set(job.jobId, (stats.carrierAccepts.get(job.jobId) ?? 0) + 1);
      if (faults.crash > 0 && random() < faults.crash) {
        stats.crashes++;
        throw new SimulatedCrashError(`crashed before recording ${job.jobId}`);
      }
    },
  };
}
