// The heartbeat turns region roles, and whether this region's stream consumer runs, into the metrics the
// dashboards and alarms watch.
import { initialRoles } from '@cognito-dr/shared';
import { consumerRuns, onRolesHeartbeat } from './heartbeat';
import { readingOfPool } from './pool-posture';

const collect = () => {
  const emitted: Record<string, number> = {};
  const metrics = { addMetric: (name: string, _unit: unknown, value: number) => (emitted[name] = value) };
  return { emitted, metrics: metrics as never };
};

it('says whether this region is the active one, the epoch and whether a switch is under way', async () => {
  const { emitted, metrics } = collect();
  const roles = { ...initialRoles('us-east-1', 'ap-northeast-1'), state: 'failing-over' as const, epoch: 3 };
  await onRolesHeartbeat(async () => roles, 'ap-northeast-1', metrics)();
  expect(emitted).toEqual({ RegionActive: 0, RegionSwitching: 1, RolesEpoch: 3 });
  await onRolesHeartbeat(async () => ({ ...roles, state: 'steady' }), 'us-east-1', metrics)();
  expect(emitted).toEqual({ RegionActive: 1, RegionSwitching: 0, RolesEpoch: 3 });
});

describe("the stream consumer's mapping", () => {
  it.each([
    [{ state: 'Enabled', lastProcessingResult: 'OK' }, true],
    [{ state: 'Enabled', lastProcessingResult: 'No records processed' }, true],
    [{ state: 'Enabled' }, true],
    [{ state: 'Disabled', lastProcessingResult: 'OK' }, false],
    [{ state: 'Disabling' }, false],
    [{ state: 'Updating' }, false],
    [{ state: 'Enabled', lastProcessingResult: 'PROBLEM: Function call failed' }, false],
    [{ state: 'Enabled', lastProcessingResult: 'PROBLEM: Lambda failed to read from the source' }, false],
    [{}, false],
  ])('%p runs: %p', (mapping, runs) => {
    expect(consumerRuns(mapping)).toBe(runs);
  });

  it('is reported as ConsumerRunning 1 or 0 beside the roles', async () => {
    const { emitted, metrics } = collect();
    const roles = initialRoles('us-east-1', 'ap-northeast-1');
    const result = await onRolesHeartbeat(
      async () => roles,
      'ap-northeast-1',
      metrics,
      async () => ({
        state: 'Disabled',
      }),
    )();
    expect(emitted).toMatchObject({ ConsumerRunning: 0, RegionActive: 0 });
    expect(result.consumerRuns).toBe(false);
  });

  it('is reported even when the roles cannot be read', async () => {
    const { emitted, metrics } = collect();
    const failingRoles = async () => {
      throw new Error('ResourceNotFoundException');
    };
    await expect(
      onRolesHeartbeat(failingRoles, 'us-east-1', metrics, async () => ({ state: 'Enabled' }))(),
    ).rejects.toThrow('ResourceNotFoundException');
    expect(emitted).toEqual({ ConsumerRunning: 1 });
  });
});

describe("each pool's posture and both regions' view of the roles", () => {
  const PRIMARY = 'us-east-1';
  const BACKUP = 'ap-northeast-1';
  const steady = initialRoles(PRIMARY, BACKUP);
  const failedOver = {
    ...steady,
    active: BACKUP,
    epoch: 1,
    posture: { [PRIMARY]: 'standby' as const, [BACKUP]: 'active' as const },
  };

  // An email pool's settings as DescribeUserPool shows them in each posture.
  const emailPool = (posture: 'active' | 'standby') =>
    readingOfPool({ AutoVerifiedAttributes: posture === 'active' ? ['email'] : [] });

  it('PostureMismatch is 0 while the pool is what the roles want, 1 for a backup left active after a failback', async () => {
    const { emitted, metrics } = collect();
    const checks = (pool: 'active' | 'standby') => ({
      poolPosture: async () => emailPool(pool),
      otherRegionRoles: async () => steady,
    });
    await onRolesHeartbeat(async () => steady, BACKUP, metrics, undefined, checks('standby'))();
    expect(emitted).toMatchObject({ PostureMismatch: 0, RegionsBothActive: 0 });
    const leftActive = {
      ...steady,
      epoch: 2,
      posture: { [PRIMARY]: 'active' as const, [BACKUP]: 'unknown' as const },
    };
    const result = await onRolesHeartbeat(
      async () => leftActive,
      BACKUP,
      metrics,
      undefined,
      checks('active'),
    )();
    expect(emitted).toMatchObject({ PostureMismatch: 1 });
    expect(result.postureAgrees).toBe(false);
  });

  it('RegionsBothActive is 1 when the other region still reads itself active, and absent when it cannot be read', async () => {
    const { emitted, metrics } = collect();
    // The backup's replica says the backup is active; the primary's, never updated, says the primary is.
    const result = await onRolesHeartbeat(async () => failedOver, BACKUP, metrics, undefined, {
      poolPosture: async () => emailPool('active'),
      otherRegionRoles: async () => steady,
    })();
    expect(emitted).toMatchObject({ RegionsBothActive: 1, PostureMismatch: 0 });
    expect(result.bothActive).toBe(true);

    const quiet = collect();
    await onRolesHeartbeat(async () => failedOver, BACKUP, quiet.metrics, undefined, {
      poolPosture: async () => emailPool('active'),
      otherRegionRoles: async () => {
        throw Object.assign(new Error('down'), { name: 'TimeoutError' });
      },
    })();
    expect(quiet.emitted).not.toHaveProperty('RegionsBothActive');
    expect(quiet.emitted).toMatchObject({ PostureMismatch: 0, RegionActive: 1 });
  });

  it('PostureMismatch is 1 for an active pool of phone-number users that verifies email only', async () => {
    const { emitted, metrics } = collect();
    const phonePool = (verifies: ('email' | 'phone_number')[]) => ({
      poolPosture: async () =>
        readingOfPool({ UsernameAttributes: ['phone_number'], AutoVerifiedAttributes: verifies }),
      otherRegionRoles: async () => steady,
    });
    for (const [verifies, mismatch] of [
      [['email'], 1],
      [['phone_number'], 0],
    ] as const) {
      const result = await onRolesHeartbeat(
        async () => failedOver,
        BACKUP,
        metrics,
        undefined,
        phonePool([...verifies]),
      )();
      expect(emitted).toMatchObject({ PostureMismatch: mismatch });
      expect(result.postureAgrees).toBe(mismatch === 0);
    }
  });

  it('fails when its own pool cannot be read, having published the rest', async () => {
    const { emitted, metrics } = collect();
    await expect(
      onRolesHeartbeat(async () => steady, PRIMARY, metrics, undefined, {
        poolPosture: async () => {
          throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        },
        otherRegionRoles: async () => steady,
      })(),
    ).rejects.toThrow('denied');
    expect(emitted).toMatchObject({ RegionActive: 1, RegionsBothActive: 0 });
    expect(emitted).not.toHaveProperty('PostureMismatch');
  });
});
