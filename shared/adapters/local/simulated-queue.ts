import type { ContactQueue } from '#shared/ports/contact.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';

interface QueuedMessage {
  job: ContactJob;
  visibleAt: number;
  receives: number;
  seq: number;
}

/** SQS as the simulator needs it: messages become visible at an instant, are received in order, and retried. */
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

  /** The next message visible at or before `until`, earliest first; it is invisible until returned or deleted. */
  receive(until: Date): { job: ContactJob; visibleAt: Date; receives: number } | undefined {
    this.messages.sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
    const next = this.messages[0];
    if (!next || next.visibleAt > until.getTime()) return undefined;
    this.messages.shift();
    next.receives++;
    this.inFlight = next;
    return { job: next.job, visibleAt: new Date(next.visibleAt), receives: next.receives };
  }

  private inFlight: QueuedMessage | undefined;

  /** Puts the message being processed back, visible again at `at`; past the receive limit it goes to the DLQ. */
  retryAt(at: Date): void {
    const m = this.inFlight;
    this.inFlight = undefined;
    if (!m) return;
    if (m.receives >= this.maxReceives) {
      this.deadLetters.push(m.job);
      return;
    }
    this.messages.push({ ...m, visibleAt: at.getTime(), seq: this.seq++ });
  }

  delete(): void {
    this.inFlight = undefined;
  }

  get depth(): number {
    return this.messages.length;
  }
}
