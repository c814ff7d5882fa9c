// The local clock against AWS's Date header: bounds from each answer, the refusal and its message, and the
// middleware on a real SDK client talking to a loopback server that answers with a chosen Date.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { tableClient } from './aws-clients';
import {
  assertClockWithin,
  ClockSkewError,
  clockOffset,
  MAX_CLOCK_SKEW_MS,
  ServerTime,
  type ServerTimeSample,
} from './server-time';
import { FakeClock } from './testing/fake-clock';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // Node 20 here; the notice is noise

const T = Date.UTC(2026, 2, 1, 9, 30, 0);

/** What a server whose clock is `aheadMs` behind ours answers to an attempt sent at `sentAt` taking `rttMs`. */
const answer = (
  sentAt: number,
  rttMs: number,
  aheadMs: number,
  readAfterMs = rttMs / 2,
): ServerTimeSample => {
  const serverReading = sentAt + readAfterMs - aheadMs;
  return { sentAt, receivedAt: sentAt + rttMs, serverTime: Math.floor(serverReading / 1000) * 1000 };
};

describe('clockOffset', () => {
  it('knows nothing without an answer', () => {
    expect(clockOffset([])).toBeUndefined();
  });

  it('bounds the offset by the round trip and the header cut to the second', () => {
    const offset = clockOffset([{ sentAt: T + 5_000, receivedAt: T + 5_050, serverTime: T }]);
    expect(offset).toEqual({ aheadMs: 4_525, uncertaintyMs: 525, samples: 1 });
  });

  it('narrows with answers read at other fractions of a second', () => {
    const one = answer(T + 100, 40, 300);
    const two = answer(T + 700, 40, 300);
    const together = clockOffset([one, two]);
    expect(together?.uncertaintyMs).toBeLessThan(clockOffset([one])?.uncertaintyMs as number);
    expect(Math.abs((together?.aheadMs as number) - 300)).toBeLessThanOrEqual(
      together?.uncertaintyMs as number,
    );
  });

  it('lets the latest answer speak alone when answers contradict each other (a clock stepped meanwhile)', () => {
    const before = answer(T, 20, 10_000);
    const after = answer(T + 60_000, 20, 0);
    expect(Math.abs(clockOffset([before, after])?.aheadMs as number)).toBeLessThan(1_000);
  });

  it('never refuses a clock within 0.5 s minus half the round trip, always refuses one beyond 1.5 s plus it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: -3_000, max: 3_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (start, rtt, ahead, when) => {
          const sample = answer(T + start, rtt, ahead, rtt * when);
          const offset = clockOffset([sample]);
          const margin = 500 + rtt / 2;
          if (Math.abs(ahead) <= MAX_CLOCK_SKEW_MS - margin)
            expect(() => assertClockWithin(offset)).not.toThrow();
          if (Math.abs(ahead) > MAX_CLOCK_SKEW_MS + margin) expect(() => assertClockWithin(offset)).toThrow();
          expect(Math.abs((offset?.aheadMs as number) - ahead)).toBeLessThanOrEqual(margin + 1e-6);
        },
      ),
    );
  });
});

describe('assertClockWithin', () => {
  it('names the measured offset, its direction and what to do', () => {
    expect(() => assertClockWithin({ aheadMs: 5_210, uncertaintyMs: 520, samples: 1 })).toThrow(
      new ClockSkewError(
        'the local clock is 5.2 s ahead of AWS (±0.5 s, from the Date header of its answers), more than the 1.0 s ' +
          "records may be off: records carry this clock's time, and the newest wins. Nothing was written; set " +
          'the clock right (NTP) and run the command again',
      ),
    );
    expect(() => assertClockWithin({ aheadMs: -90_000, uncertaintyMs: 510, samples: 2 })).toThrow(
      /the local clock is 90\.0 s behind AWS/,
    );
  });

  it('refuses when no answer could tell', () => {
    expect(() => assertClockWithin(undefined)).toThrow(/no AWS answer carried a Date header/);
  });
});

describe('ServerTime on an SDK client', () => {
  let server: Server;
  let endpoint: string;
  let serverDate: () => Date;
  let status = 200;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.sendDate = false;
        response.writeHead(status, {
          date: serverDate().toUTCString(),
          'content-type': 'application/x-amz-json-1.0',
        });
        response.end(
          status === 200 ? '{}' : '{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException"}',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const client = () =>
    tableClient({
      region: 'us-east-1',
      endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
  const get = (table: ReturnType<typeof client>) =>
    table.send(new GetCommand({ TableName: 'users', Key: { username: 'ada' } }));

  it("measures a clock 5 s ahead of the server's Date header, and refuses it", async () => {
    const clock = new FakeClock(T + 5_000);
    serverDate = () => new Date(T);
    const serverTime = new ServerTime(clock);
    const table = serverTime.watch(client());

    await get(table);

    expect(serverTime.offset()).toMatchObject({ aheadMs: 4_500, samples: 1 });
    await expect(serverTime.assertTrusted(() => get(table))).rejects.toThrow(
      'the local clock is 4.5 s ahead of AWS (±0.5 s',
    );
    table.destroy();
  });

  it('accepts the clock of the machine the server runs on, and notes error answers too', async () => {
    const serverTime = new ServerTime({ now: () => Date.now() });
    serverDate = () => new Date();
    const table = serverTime.watch(client());
    status = 400;
    await expect(get(table)).rejects.toThrow();
    status = 200;

    expect(serverTime.offset()?.samples).toBe(1);
    await expect(
      serverTime.assertTrusted(() => Promise.reject(new Error('not needed'))),
    ).resolves.toMatchObject({
      samples: 1,
    });
    table.destroy();
  });

  it('makes the probe call when no answer came yet', async () => {
    const serverTime = new ServerTime({ now: () => Date.now() });
    serverDate = () => new Date();
    const table = serverTime.watch(client());
    let probed = 0;

    await serverTime.assertTrusted(() => {
      probed += 1;
      return get(table);
    });

    expect(probed).toBe(1);
    table.destroy();
  });
});
