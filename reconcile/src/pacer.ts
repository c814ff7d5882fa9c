// Spaces calls evenly at a rate: one pacer per quota category keeps a run inside its budget (quota.ts).
import type { Clock } from '@cognito-dr/shared';

/**
 * A token bucket holding one token, refilled at `ratePerSecond`: calls leave evenly spaced and never more than
 * `ratePerSecond` of them fall in any one-second window. No bursting on purpose: the quota is shared with the
 * application and the triggers, so the reconciler spreads its share instead of spending it in bursts.
 */
export class Pacer {
  readonly ratePerSecond: number;
  private readonly clock: Clock;
  /** Start of the current run of back-to-back calls; slots are computed from it, never accumulated. */
  private origin = Number.NEGATIVE_INFINITY;
  private slot = 0;

  constructor(ratePerSecond: number, clock: Clock) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new RangeError(`rate must be a positive number of calls per second, got ${ratePerSecond}`);
    }
    this.ratePerSecond = ratePerSecond;
    this.clock = clock;
  }

  /** Resolves when the caller may make one call. Safe to call concurrently: each caller gets its own slot. */
  async take(): Promise<void> {
    const now = this.clock.now();
    if (now > this.slotTime(this.slot)) {
      // Idle since the last slot: start a new run rather than letting the caller "catch up" in a burst.
      this.origin = now;
      this.slot = 0;
    }
    const at = this.slotTime(this.slot);
    this.slot += 1;
    if (at > now) await this.clock.sleep(at - now);
  }

  /**
   * Whole milliseconds, rounded up: computing k * 1000 / rate afresh (not by adding intervals up) and rounding up
   * keeps slot k + rate exactly 1000 ms after slot k, so float error can never squeeze in an extra call.
   */
  private slotTime(slot: number): number {
    return this.origin + Math.ceil((slot * 1000) / this.ratePerSecond);
  }
}
