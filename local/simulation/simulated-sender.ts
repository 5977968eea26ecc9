import type { Clock } from '#shared/ports/clock.ts';
import type { ContactLog } from '#shared/ports/contact.ts';
import { processContactJobs, type SenderDeps, type SendStep } from '#shared/reminders/send-contact.ts';
import { Outbox } from '../outbox.ts';
import type { QueuedMessage, SimulatedQueue } from '../simulated-queue.ts';
import { invocation } from './event-source.ts';
import { type FaultSpec, SimulatedCrashError } from './faults.ts';

/** SQS visibility timeout and the backoff of a failed delivery, in simulated seconds. */
const VISIBILITY_SECONDS = 60;
/** Records per sender invocation, as the SQS event source is configured. */
const SQS_BATCH = 10;

/**
 * Works a simple queue with the sender use case, up to `until` (the escalation test world, which has
 * no SQS semantics to exercise): batches, a deferred job hidden until its window, a failed one back
 * after a growing backoff.
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
      else if (outcome.kind === 'failed' || outcome.kind === 'throttled') {
        const err = outcome.kind === 'failed' ? (outcome.error as Error) : undefined;
        if (err && !(err instanceof SimulatedCrashError) && err.name !== 'TransientSendError') throw err;
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
  throttled: number;
  /** Invocations killed (`crash=` and `death=`), by the step they died at. */
  deaths: Record<string, number>;
  duplicateSweeps: number;
  busFailures: number;
}

export const newFaultStats = (): FaultStats => ({
  snsFailures: 0,
  throttled: 0,
  deaths: {},
  duplicateSweeps: 0,
  busFailures: 0,
});

const STEPS: SendStep[] = ['before-claim', 'before-carrier', 'before-ledger', 'after-ledger'];

/**
 * The sender's faults: the carrier behind the outbox (transient failures at `sns=`, throttling in the
 * windows `throttling(now)` names) and deaths: `crash=` between the carrier and the ledger, `death=`
 * at a step drawn at random. A death kills the invocation it happens in (every later step of it throws
 * too), so the event source redelivers its whole batch.
 */
export function faultySender<D extends Omit<SenderDeps, 'sender' | 'log' | 'atStep'>>(
  deps: D,
  log: ContactLog,
  faults: FaultSpec,
  random: () => number,
  stats: FaultStats,
  throttling: () => boolean = () => false,
): D & SenderDeps & { sender: Outbox } {
  const sender = new Outbox(
    () => {
      if (throttling()) {
        stats.throttled++;
        return 'throttle';
      }
      if (faults.sns > 0 && random() < faults.sns) {
        stats.snsFailures++;
        return 'fail';
      }
      return undefined;
    },
    // The job the invocation is sending (jobs go out one after another within an invocation).
    () => invocation.getStore()?.sending ?? lastSending,
  );
  let lastSending: string | undefined;
  const dieAt = (step: SendStep) => {
    stats.deaths[step] = (stats.deaths[step] ?? 0) + 1;
    const current = invocation.getStore();
    if (current) current.dead = true;
    throw new SimulatedCrashError(`died ${step}`);
  };
  return {
    ...deps,
    sender,
    log,
    // One job after another: the fault draws below, and the job the outbox names, follow batch order.
    sendConcurrency: 1,
    atStep: (step, job) => {
      const current = invocation.getStore();
      if (current?.dead) throw new SimulatedCrashError('the invocation is dead');
      if (step === 'before-carrier') {
        // A channel of a job goes out once: a second accept of it is a repeat at the carrier.
        lastSending = `${job.jobId}|${job.channel}`;
        if (current) current.sending = lastSending;
      }
      if (step === 'before-ledger' && faults.crash > 0 && random() < faults.crash) dieAt(step);
      if (faults.death > 0 && random() < faults.death / STEPS.length) dieAt(step);
    },
  };
}
