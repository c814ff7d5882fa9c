import { deliveryQueue } from './delivery-queue';

/** A wait the test releases by hand, so a retry's delay is observable without sleeping. */
const manualWaits = () => {
  const waiting: { ms: number; release: () => void }[] = [];
  return {
    waiting,
    wait: (ms: number) => new Promise<void>((release) => waiting.push({ ms, release })),
  };
};
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the CloudTrail stand-in hands events to the capture function', () => {
  it('retries a failed invocation twice, after the delays it is given, and then counts it as failed', async () => {
    const attempts: unknown[] = [];
    const reported: string[] = [];
    const waits = manualWaits();
    const queue = deliveryQueue({
      invoke: async (event) => {
        attempts.push(event);
        throw new Error('function error Unhandled');
      },
      concurrency: 2,
      retryDelaysMs: [1_000, 2_000],
      report: (line) => reported.push(line),
      wait: waits.wait,
    });
    queue.deliver({ id: 'e1' });
    await settle();
    expect(attempts).toHaveLength(1);
    expect(waits.waiting.map((w) => w.ms)).toEqual([1_000]);
    expect(queue.pending()).toBe(1);
    waits.waiting[0]?.release();
    await settle();
    expect(attempts).toHaveLength(2);
    expect(waits.waiting.map((w) => w.ms)).toEqual([1_000, 2_000]);
    waits.waiting[1]?.release();
    await settle();
    expect(attempts).toEqual([{ id: 'e1' }, { id: 'e1' }, { id: 'e1' }]);
    expect(queue.counts).toEqual({ recorded: 0, retried: 2, deliveryFailures: 1 });
    expect(queue.pending()).toBe(0);
    expect(reported.at(-1)).toBe(
      'could not deliver a CloudTrail event after 3 attempts: function error Unhandled',
    );
  });

  it('records an event whose retry succeeds, and lets other events through while a retry waits', async () => {
    const failOnce = new Set(['e1']);
    const delivered: string[] = [];
    const waits = manualWaits();
    const queue = deliveryQueue({
      invoke: async (event) => {
        const id = (event as { id: string }).id;
        if (failOnce.delete(id)) throw new Error('timeout');
        delivered.push(id);
      },
      concurrency: 1,
      retryDelaysMs: [1_000, 2_000],
      report: () => {},
      wait: waits.wait,
    });
    queue.deliver({ id: 'e1' });
    queue.deliver({ id: 'e2' });
    await settle();
    await settle();
    expect(delivered).toEqual(['e2']);
    waits.waiting[0]?.release();
    await settle();
    await settle();
    expect(delivered).toEqual(['e2', 'e1']);
    expect(queue.counts).toEqual({ recorded: 2, retried: 1, deliveryFailures: 0 });
  });

  it('never sends more invocations at once than its concurrency', async () => {
    let running = 0;
    let most = 0;
    const finish: (() => void)[] = [];
    const queue = deliveryQueue({
      invoke: () => {
        running += 1;
        most = Math.max(most, running);
        return new Promise<void>((resolve) =>
          finish.push(() => {
            running -= 1;
            resolve();
          }),
        );
      },
      concurrency: 2,
      retryDelaysMs: [],
      report: () => {},
    });
    for (let i = 0; i < 5; i += 1) queue.deliver({ id: i });
    while (queue.counts.recorded < 5) {
      await settle();
      finish.shift()?.();
    }
    expect(most).toBe(2);
  });
});
