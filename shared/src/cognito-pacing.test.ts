// Pacing on a virtual clock (fixed rates never over their rate in any second, adaptive rates that find a quota
// and ride out noise) and the governed client over HTTP, which retries in the governor instead of the SDK.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  InvalidParameterException,
  ListUsersCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2 } from '@smithy/types';
import fc from 'fast-check';
import { cognitoClient } from './aws-clients';
import {
  AdaptiveRate,
  CallGovernor,
  DEFAULT_RETRIES,
  DeadlineExceededError,
  type GovernorSettings,
  governClient,
  Pacer,
  quotaCeilings,
} from './cognito-pacing';
import { FakeClock } from './testing/fake-clock';
import { seededRandom } from './testing/seeded-random';

/** A minute of virtual time is thousands of simulated calls: CPU work, which a busy machine can slow down. */
const SIMULATION_TIMEOUT_MS = 30_000;

const throttle = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });

/**
 * A Cognito category on the virtual clock: every call takes `latencyMs`, then is refused when the category's
 * token bucket (`quotaRps`, one second of burst) is empty, or at random with probability `noise`.
 */
function simulatedCategory(
  clock: FakeClock,
  options: { quotaRps?: number; noise?: number; latencyMs: number },
) {
  const random = seededRandom(7);
  let tokens = options.quotaRps ?? 0;
  let refilled = clock.now();
  const stats = { calls: 0, ok: 0, throttled: 0 };
  const call = async () => {
    stats.calls += 1;
    await clock.sleep(options.latencyMs);
    if (options.noise && random() < options.noise) {
      stats.throttled += 1;
      throw throttle();
    }
    if (options.quotaRps !== undefined) {
      const now = clock.now();
      tokens = Math.min(options.quotaRps, tokens + ((now - refilled) / 1000) * options.quotaRps);
      refilled = now;
      if (tokens < 1) {
        stats.throttled += 1;
        throw throttle();
      }
      tokens -= 1;
    }
    stats.ok += 1;
    return 'ok';
  };
  return { call, stats };
}

function governor(clock: FakeClock, overrides: Partial<GovernorSettings> = {}) {
  return new CallGovernor({
    clock,
    ceilings: quotaCeilings(),
    floorShare: 0.1,
    ...DEFAULT_RETRIES,
    cutoff: () => Number.POSITIVE_INFINITY,
    random: seededRandom(3),
    ...overrides,
  });
}

/** `workers` loops calling AdminCreateUser (UserCreation, 50 rps) until `seconds` of virtual time have passed. */
async function drive(
  clock: FakeClock,
  calls: CallGovernor,
  call: () => Promise<string>,
  { workers = 8, seconds }: { workers?: number; seconds: number },
) {
  const end = clock.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (clock.now() < end) {
      try {
        await calls.run('AdminCreateUser', call);
        done += 1;
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { perSecond: done / seconds, failed };
}

describe('CallGovernor on a virtual clock', () => {
  it(
    'uses the whole quota when nothing throttles, and no more',
    async () => {
      const clock = new FakeClock();
      const category = simulatedCategory(clock, { quotaRps: 50, latencyMs: 50 });
      const result = await drive(clock, governor(clock), category.call, { seconds: 30 });
      expect(result.perSecond).toBeGreaterThan(47);
      expect(category.stats.throttled / category.stats.calls).toBeLessThan(0.02);
    },
    SIMULATION_TIMEOUT_MS,
  );

  it(
    'paces to a quota cut to 20 %: nearly all of what the quota allows, few wasted calls',
    async () => {
      const clock = new FakeClock();
      const category = simulatedCategory(clock, { quotaRps: 10, latencyMs: 50 });
      const calls = governor(clock);
      const result = await drive(clock, calls, category.call, { seconds: 60 });
      expect(result.perSecond).toBeGreaterThan(0.9 * 10);
      // Only the first second, before the first cut, can exhaust a call's attempts.
      expect(result.failed).toBeLessThan(8);
      // Pacing, not hammering: most calls get through.
      expect(category.stats.throttled / category.stats.calls).toBeLessThan(0.25);
      // The quota it found (a second of burst on top of 10 rps makes it look a little larger).
      const quota = calls.snapshot().UserCreation?.quota ?? Number.NaN;
      expect(quota).toBeGreaterThan(9);
      expect(quota).toBeLessThan(12);
    },
    SIMULATION_TIMEOUT_MS,
  );

  it(
    'keeps going at close to full speed when 30 % of calls are throttled whatever the rate',
    async () => {
      const clock = new FakeClock();
      const category = simulatedCategory(clock, { noise: 0.3, latencyMs: 50 });
      const calls = governor(clock);
      const result = await drive(clock, calls, category.call, { seconds: 60 });
      // 70 % of the 50 rps ceiling gets through when the rate stays up; collapsing rates would give a fraction.
      expect(result.perSecond).toBeGreaterThan(0.8 * 0.7 * 50);
      expect(calls.snapshot().UserCreation).toMatchObject({ quota: null, rate: 50 });
      expect(calls.snapshot().UserCreation?.noise).toBeCloseTo(0.3, 1);
      // Eight attempts rarely all fail at 30 %.
      expect(result.failed).toBeLessThan(5);
    },
    SIMULATION_TIMEOUT_MS,
  );

  it(
    'still paces to a cut quota when a noisy neighbour throttles on top of it',
    async () => {
      const clock = new FakeClock();
      const category = simulatedCategory(clock, { quotaRps: 10, noise: 0.3, latencyMs: 50 });
      const result = await drive(clock, governor(clock), category.call, { seconds: 60 });
      expect(result.perSecond).toBeGreaterThan(0.8 * 10 * 0.7);
      expect(category.stats.calls / 60).toBeLessThan(25);
    },
    SIMULATION_TIMEOUT_MS,
  );

  it('gives up on a throttled call after maxAttempts, with the throttle, after short jittered back-offs', async () => {
    const clock = new FakeClock();
    const started = clock.now();
    const calls = governor(clock, { maxAttempts: 3 });
    let attempts = 0;
    await expect(
      calls.run('SignUp', async () => {
        attempts += 1;
        throw throttle();
      }),
    ).rejects.toThrow(TooManyRequestsException);
    expect(attempts).toBe(3);
    // Two back-offs (at most base, then 2 x base) and the category's pacing (50 rps: 20 ms apart).
    const { baseBackoffMs } = DEFAULT_RETRIES;
    expect(clock.now() - started).toBeLessThanOrEqual(3 * baseBackoffMs + 2 * 20);
  });

  it('does not retry an error that retrying cannot fix', async () => {
    const clock = new FakeClock();
    let attempts = 0;
    await expect(
      governor(clock).run('AdminUpdateUserAttributes', async () => {
        attempts += 1;
        throw new InvalidParameterException({ message: 'bad', $metadata: {} });
      }),
    ).rejects.toThrow(InvalidParameterException);
    expect(attempts).toBe(1);
  });

  it('never starts a call or ends a back-off past the cutoff', async () => {
    const clock = new FakeClock();
    const cutoff = clock.now() + 300;
    const calls = governor(clock, { cutoff: () => cutoff, baseBackoffMs: 1000, maxBackoffMs: 1000 });
    let attempts = 0;
    await expect(
      calls.run('SignUp', async () => {
        attempts += 1;
        await clock.sleep(50);
        throw throttle();
      }),
    ).rejects.toThrow(TooManyRequestsException);
    expect(clock.now()).toBeLessThan(cutoff);
    clock.advance(300);
    await expect(calls.run('SignUp', async () => 'too late')).rejects.toThrow(DeadlineExceededError);
    expect(attempts).toBeGreaterThanOrEqual(1);
  });

  it('refuses a paced slot that would only come after the cutoff', async () => {
    const clock = new FakeClock();
    const rate = new AdaptiveRate({ ceiling: 2, floor: 1 }, clock);
    await rate.take(clock.now() + 100);
    await expect(rate.take(clock.now() + 100)).rejects.toThrow(DeadlineExceededError);
  });
});

describe('governClient', () => {
  let server: Server;
  let endpoint: string;
  const targets: string[] = [];
  /** Requests of these operations are throttled (X-Amz-Target's operation), as many times as said. */
  const throttle: Record<string, number> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      const target = String(req.headers['x-amz-target']);
      targets.push(target);
      const operation = target.slice(target.indexOf('.') + 1);
      req.resume();
      req.on('end', () => {
        if ((throttle[operation] ?? 0) > 0) {
          throttle[operation] = (throttle[operation] ?? 0) - 1;
          res
            .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
            .end(JSON.stringify({ __type: 'TooManyRequestsException', message: 'Rate exceeded' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (retryStrategy?: RetryStrategyV2) =>
    cognitoClient({
      region: 'ap-northeast-1',
      endpoint,
      maxAttempts: 5,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      ...(retryStrategy ? { retryStrategy } : {}),
    });
  const disable = new AdminDisableUserCommand({ UserPoolId: 'ap-northeast-1_x', Username: 'alice' });

  it('retries throttled requests in the governor, once per attempt, and not again in the SDK', async () => {
    const calls = governor(new FakeClock(), { maxAttempts: 3 });
    const sdk = client();
    const governed = governClient(sdk, calls);
    throttle.AdminDisableUser = 2;
    targets.length = 0;
    await governed.send(disable);
    expect(targets).toEqual(Array(3).fill('AWSCognitoIdentityProviderService.AdminDisableUser'));
    // Each attempt counted against the operation's category, named by the SDK even in a minified bundle.
    expect(Object.keys(calls.snapshot())).toEqual(['UserUpdate']);
    expect(calls.calls.UserUpdate).toBe(3);

    // The SDK's own five attempts would have outlasted these throttles: the governor's three do not.
    throttle.AdminDisableUser = 4;
    targets.length = 0;
    await expect(governed.send(disable)).rejects.toThrow(TooManyRequestsException);
    expect(targets).toHaveLength(3);
    throttle.AdminDisableUser = 0;
    sdk.destroy();
  });

  it('leaves the client it governs as it was, for its other callers', async () => {
    const sdk = client();
    governClient(sdk, governor(new FakeClock(), { maxAttempts: 1 }));
    throttle.AdminDisableUser = 2;
    targets.length = 0;
    await sdk.send(disable);
    expect(targets).toHaveLength(3);
    sdk.destroy();
  });

  it("drops the SDK's adaptive retry, whose one sending rate for the whole client a throttle in any category lowers", async () => {
    // The SDK's rate limiter is asked for a token before every request and told of every throttle, with no word of
    // the operation either time: ListUsers throttled (UserList) slows AdminGetUser (UserRead) down as much.
    const limiter = recordingLimiter();
    const sdk = client(new AdaptiveRetryStrategy(async () => 3, { rateLimiter: limiter }));
    throttle.ListUsers = 2;
    await sdk.send(new ListUsersCommand({ UserPoolId: 'ap-northeast-1_x' }));
    await sdk.send(new AdminGetUserCommand({ UserPoolId: 'ap-northeast-1_x', Username: 'alice' }));
    expect(limiter.throttlesSeen).toBe(2);
    expect(limiter.tokensTaken).toBe(4);

    // Governed, the same client never consults the SDK's limiter: throttles lower the rate of their own category.
    limiter.throttlesSeen = 0;
    limiter.tokensTaken = 0;
    const calls = governor(new FakeClock());
    const governed = governClient(sdk, calls);
    throttle.ListUsers = 2;
    await governed.send(new ListUsersCommand({ UserPoolId: 'ap-northeast-1_x' }));
    await governed.send(new AdminGetUserCommand({ UserPoolId: 'ap-northeast-1_x', Username: 'alice' }));
    expect([limiter.throttlesSeen, limiter.tokensTaken]).toEqual([0, 0]);
    expect(calls.calls).toMatchObject({ UserList: 3, UserRead: 1 });
    sdk.destroy();
  });
});

/** A rate limiter for the SDK's adaptive retry that only counts what it is asked: the interface every one has. */
function recordingLimiter() {
  const limiter = {
    tokensTaken: 0,
    throttlesSeen: 0,
    async getSendToken() {
      limiter.tokensTaken += 1;
    },
    // Told of each outcome: an error's info (as the strategy puts it, or the error itself) or a success.
    updateClientSendingRate(response: unknown) {
      const info = response as { errorType?: string; error?: { name?: string }; name?: string } | undefined;
      const name = info?.error?.name ?? info?.name;
      if (info?.errorType === 'THROTTLING' || name === 'TooManyRequestsException') limiter.throttlesSeen += 1;
    },
  };
  return limiter;
}

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

  it('refuses a slot that would only come after the cutoff', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(2, clock);
    await pacer.take(clock.now() + 100);
    await expect(pacer.take(clock.now() + 100)).rejects.toThrow(DeadlineExceededError);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new Pacer(0, new FakeClock())).toThrow(RangeError);
    expect(() => new Pacer(Number.NaN, new FakeClock())).toThrow(RangeError);
  });
});
