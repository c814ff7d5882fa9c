// Pacing measured on a fake clock: never more than the rate in any one-second window.

import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import fc from 'fast-check';
import { Pacer } from './pacer';

/** The largest number of grants that fall in any half-open one-second window. */
const busiestSecond = (grants: number[]): number => {
  const sorted = [...grants].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] as number) - (sorted[from] as number) >= 1000) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
};

describe('Pacer', () => {
  it('lets through no more than its rate in any second when 500 callers arrive at once', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(30, clock);
    const grants: number[] = [];

    await Promise.all(
      Array.from({ length: 500 }, async () => {
        await pacer.take();
        grants.push(clock.now());
      }),
    );

    expect(grants).toHaveLength(500);
    expect(busiestSecond(grants)).toBe(30);
    // Evenly spread: the 500 calls need (500 - 1) / 30 seconds, not a second more.
    expect(Math.max(...grants) - Math.min(...grants)).toBe(Math.ceil((499 * 1000) / 30));
  });

  it('does not let an idle pacer burst to catch up', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(10, clock);
    const grants: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.take();
      grants.push(clock.now());
    }
    clock.advance(10_000);
    for (let i = 0; i < 15; i++) {
      await pacer.take();
      grants.push(clock.now());
    }
    expect(busiestSecond(grants)).toBe(10);
  });

  it('holds the rate for any mix of bursts, pauses and rates (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 150 }),
        fc.array(fc.record({ callers: fc.integer({ min: 1, max: 40 }), pauseMs: fc.nat(2500) }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (rate, waves) => {
          const clock = new FakeClock(1_000);
          const pacer = new Pacer(rate, clock);
          const grants: number[] = [];
          for (const wave of waves) {
            clock.advance(wave.pauseMs);
            await Promise.all(
              Array.from({ length: wave.callers }, async () => {
                await pacer.take();
                grants.push(clock.now());
              }),
            );
          }
          expect(busiestSecond(grants)).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)));
        },
      ),
      { numRuns: 100 },
    );
  }, 30_000);

  it('refuses a rate that is not a positive number', () => {
    expect(() => new Pacer(0, new FakeClock())).toThrow(RangeError);
    expect(() => new Pacer(Number.NaN, new FakeClock())).toThrow(RangeError);
  });
});
