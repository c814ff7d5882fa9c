// The heartbeat turns region roles, and whether this region's stream consumer runs, into the metrics the
// dashboards and alarms watch.
import { initialRoles } from '@cognito-dr/shared';
import { consumerRuns, onRolesHeartbeat } from './heartbeat';

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
