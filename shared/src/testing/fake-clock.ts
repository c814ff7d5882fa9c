// A clock for tests that jumps straight to the next timer once every pending task is waiting on one.
import type { Clock } from '../clock';

/**
 * Time only moves when everything is asleep: each sleep registers a timer, and once the microtask queue has drained
 * (a macrotask turn later) the clock jumps to the earliest timer and wakes it. Fakes answer in microtasks, so a
 * whole paced run finishes instantly while `now()` reads as if it had taken real time.
 */
export class FakeClock implements Clock {
  private time: number;
  private timers: { at: number; order: number; wake: () => void }[] = [];
  private order = 0;
  private pending = false;
  /** Every value `sleep` was called with, to assert on pacing. */
  readonly sleeps: number[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Moves time forward without waking anyone (e.g. to age a record). */
  advance(ms: number): void {
    this.time += ms;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => {
      this.timers.push({ at: this.time + ms, order: this.order++, wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.timers.shift();
      if (!next) return;
      this.time = Math.max(this.time, next.at);
      next.wake();
      if (this.timers.length > 0) this.schedule();
    });
  }
}
