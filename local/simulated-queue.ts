import type { ContactQueue } from '#shared/ports/contact.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';

export interface QueuedMessage {
  job: ContactJob;
  visibleAt: number;
  receives: number;
  seq: number;
}

/** SQS as the simulator needs it: messages become visible at an instant, are received in batches, and retried. */
export class SimulatedQueue implements ContactQueue {
  private messages: QueuedMessage[] = [];
  private seq = 0;
  readonly deadLetters: ContactJob[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly maxReceives = 10,
  ) {}

  async enqueue(jobs: ContactJob[]): Promise<void> {
    for (const job of jobs)
      this.messages.push({ job, visibleAt: this.now().getTime(), receives: 0, seq: this.seq++ });
  }

  /**
   * Up to `max` messages, as one receive at the instant the earliest becomes visible (if that is no
   * later than `until`): every message visible by then, oldest first. They stay invisible until
   * deleted or returned.
   */
  receive(until: Date, max: number): { at: Date; messages: QueuedMessage[] } | undefined {
    this.messages.sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
    const first = this.messages[0];
    if (!first || first.visibleAt > until.getTime()) return undefined;
    const at = Math.max(first.visibleAt, this.now().getTime());
    const batch = this.messages.filter((m) => m.visibleAt <= at).slice(0, max);
    this.messages = this.messages.filter((m) => !batch.includes(m));
    for (const m of batch) m.receives++;
    return { at: new Date(at), messages: batch };
  }

  /** Makes a received message visible again at `at`; past the receive limit it goes to the DLQ instead. */
  retryAt(message: QueuedMessage, at: Date): void {
    if (message.receives >= this.maxReceives) {
      this.deadLetters.push(message.job);
      return;
    }
    this.messages.push({ ...message, visibleAt: at.getTime(), seq: this.seq++ });
  }

  get depth(): number {
    return this.messages.length;
  }
}
