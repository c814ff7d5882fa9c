// Time as bulk callers see it (pacing, deadlines, checkpoints): injected, so tests run on a fake clock.

export interface Clock {
  /** Epoch milliseconds, integral. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
