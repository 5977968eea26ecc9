import type { ManualClock } from '#local/manual-clock.ts';

/**
 * Time for workflows on the simulated clock. aws-local-stepfunctions has no clock of its own: its Wait
 * states are overridden to 0 ms, and the task after each Wait first awaits `until(timestamp)`. The
 * simulation wakes one waiter at a time, in time order, and waits until every running workflow is idle
 * again (waiting or finished) before it goes on, so a run is deterministic for one seed.
 */
export class SimulatedTime {
  private waiters: { at: number; seq: number; resolve: (reached: boolean) => void }[] = [];
  private seq = 0;
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly clock: ManualClock) {}

  /** Resolves true when the simulation reaches `at` (at once if it has); false if it ends first. */
  until(at: Date): Promise<boolean> {
    if (at.getTime() <= this.clock.now().getTime()) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.waiters.push({ at: at.getTime(), seq: this.seq++, resolve });
      this.leave();
    });
  }

  /** A workflow that runs until it waits or ends. */
  track(run: Promise<unknown>): void {
    this.active += 1;
    run.then(
      () => this.leave(),
      () => this.leave(),
    );
  }

  /** Resolves once no workflow is running. */
  settle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  nextWakeAt(): number | undefined {
    this.waiters.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return this.waiters[0]?.at;
  }

  /** Moves the clock to the earliest waiter's instant, lets it run, and waits until all is idle again. */
  async wakeNext(): Promise<void> {
    this.nextWakeAt();
    const waiter = this.waiters.shift();
    if (!waiter) return;
    if (waiter.at > this.clock.now().getTime()) this.clock.set(new Date(waiter.at));
    this.active += 1;
    waiter.resolve(true);
    await this.settle();
  }

  /** The simulation is over: every waiting workflow is told so (and ends), and this resolves when all have. */
  async close(): Promise<void> {
    const waiting = this.waiters.splice(0);
    this.active += waiting.length;
    for (const waiter of waiting) waiter.resolve(false);
    await this.settle();
  }

  get waiting(): number {
    return this.waiters.length;
  }

  private leave(): void {
    this.active -= 1;
    if (this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
