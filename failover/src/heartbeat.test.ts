// The heartbeat turns region roles into the metrics the dashboards show.
import { initialRoles } from '@cognito-dr/shared';
import { onRolesHeartbeat } from './heartbeat';

it('says whether this region is the active one, the epoch and whether a switch is under way', async () => {
  const emitted: Record<string, number> = {};
  const metrics = { addMetric: (name: string, _unit: unknown, value: number) => (emitted[name] = value) };
  const roles = { ...initialRoles('us-east-1', 'ap-northeast-1'), state: 'failing-over' as const, epoch: 3 };
  await onRolesHeartbeat(async () => roles, 'ap-northeast-1', metrics as never)();
  expect(emitted).toEqual({ RegionActive: 0, RegionSwitching: 1, RolesEpoch: 3 });
  await onRolesHeartbeat(async () => ({ ...roles, state: 'steady' }), 'us-east-1', metrics as never)();
  expect(emitted).toEqual({ RegionActive: 1, RegionSwitching: 0, RolesEpoch: 3 });
});
