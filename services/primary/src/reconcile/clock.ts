// Time as the reconciler sees it: injected, so pacing and checkpoint timing are tested with a fake clock.

export interface Clock {
  /** Epoch milliseconds, integral. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
