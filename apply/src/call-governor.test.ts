import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminDisableUserCommand,
  InvalidParameterException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { seededRandom } from '@cognito-dr/shared/src/testing/seeded-random';
import {
  AdaptiveRate,
  CallGovernor,
  DEFAULT_GOVERNOR,
  DeadlineExceededError,
  type GovernorSettings,
  governClient,
  quotaCeilings,
  SINGLE_ATTEMPT,
} from './call-governor';

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
    ...DEFAULT_GOVERNOR,
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
    const { baseBackoffMs } = DEFAULT_GOVERNOR;
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
  let throttleNext = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      targets.push(String(req.headers['x-amz-target']));
      req.resume();
      req.on('end', () => {
        if (throttleNext > 0) {
          throttleNext -= 1;
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

  it('retries throttled requests in the governor, once per attempt, and not again in the SDK', async () => {
    const calls = governor(new FakeClock(), { maxAttempts: 3 });
    const client = governClient(
      cognitoClient({
        region: 'ap-northeast-1',
        endpoint,
        maxAttempts: 1,
        retryStrategy: SINGLE_ATTEMPT,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      calls,
    );
    throttleNext = 2;
    targets.length = 0;
    await client.send(new AdminDisableUserCommand({ UserPoolId: 'ap-northeast-1_x', Username: 'alice' }));
    expect(targets).toEqual(Array(3).fill('AWSCognitoIdentityProviderService.AdminDisableUser'));
    // The throttles were counted against the operation's category.
    expect(Object.keys(calls.snapshot())).toEqual(['UserUpdate']);

    throttleNext = 5;
    targets.length = 0;
    await expect(
      client.send(new AdminDisableUserCommand({ UserPoolId: 'ap-northeast-1_x', Username: 'alice' })),
    ).rejects.toThrow(TooManyRequestsException);
    expect(targets).toHaveLength(3);
    client.destroy();
  });
});
