// Region roles as metrics, once a minute in each region: the dashboards and alarms cannot read the control table,
// so this says which region this one believes is active (RegionActive 1/0), the switch's epoch, and whether a
// switch is under way (RegionSwitching 1/0). A region that can no longer read its roles says nothing, which the
// dashboard shows as a gap.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RegionRoles } from '@cognito-dr/shared';

export const onRolesHeartbeat =
  (roles: () => Promise<RegionRoles>, region: string, metrics: Pick<Metrics, 'addMetric'>) =>
  async (): Promise<{ active: string; epoch: number; state: RegionRoles['state'] }> => {
    const current = await roles();
    metrics.addMetric('RegionActive', MetricUnit.Count, current.active === region ? 1 : 0);
    metrics.addMetric('RegionSwitching', MetricUnit.Count, current.state === 'steady' ? 0 : 1);
    metrics.addMetric('RolesEpoch', MetricUnit.Count, current.epoch);
    return { active: current.active, epoch: current.epoch, state: current.state };
  };
