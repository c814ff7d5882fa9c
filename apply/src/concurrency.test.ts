import { createLimiter } from './concurrency';

describe('createLimiter', () => {
  it('never runs more than the limit, even when tasks finish and start in the same tick', async () => {
    const limit = createLimiter(3);
    let inFlight = 0;
    let peak = 0;
    const task = async (ms: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
      return ms;
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => limit(() => task(i % 3))));
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i % 3));
  });

  it('frees the slot of a failed task', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });
});
