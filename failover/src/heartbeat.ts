// Region roles as metrics, once a minute in each region: the dashboards and alarms cannot read the control table,
// so this says which region this one believes is active (RegionActive 1/0), the switch's epoch, and whether a
// switch is under way (RegionSwitching 1/0). A region that can no longer read its roles says nothing, which the
// dashboard shows as a gap.
//
// It also says whether this region's stream consumer runs (ConsumerRunning 1/0): a disabled event source mapping,
// or one Lambda reports a problem with (a lost permission, a deleted function or stream), invokes nothing and so
// emits no IteratorAge, the metric the lag alarm watches; ConsumerStalledAlarm watches this one instead.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RegionRoles } from '@cognito-dr/shared';

/** What Lambda says of an event source mapping (GetEventSourceMapping). */
export interface ConsumerMapping {
  /** Creating, Enabling, Enabled, Disabling, Disabled, Updating or Deleting. */
  state?: string;
  /** `OK`, `No records processed`, or `PROBLEM: ...` when Lambda cannot read the source or invoke the function. */
  lastProcessingResult?: string;
}

/** Whether the mapping reads its stream and invokes its function. */
export const consumerRuns = ({ state, lastProcessingResult }: ConsumerMapping): boolean =>
  state === 'Enabled' && !(lastProcessingResult ?? '').startsWith('PROBLEM');

export const onRolesHeartbeat =
  (
    roles: () => Promise<RegionRoles>,
    region: string,
    metrics: Pick<Metrics, 'addMetric'>,
    /** This region's stream consumer's mapping; absent where there is none to watch (the local stack). */
    consumer?: () => Promise<ConsumerMapping>,
  ) =>
  async (): Promise<{
    active: string;
    epoch: number;
    state: RegionRoles['state'];
    consumerRuns?: boolean;
  }> => {
    // The consumer is checked first and on its own: a region that cannot read its roles still says whether its
    // consumer runs.
    const runs = consumer ? consumerRuns(await consumer()) : undefined;
    if (runs !== undefined) metrics.addMetric('ConsumerRunning', MetricUnit.Count, runs ? 1 : 0);
    const current = await roles();
    metrics.addMetric('RegionActive', MetricUnit.Count, current.active === region ? 1 : 0);
    metrics.addMetric('RegionSwitching', MetricUnit.Count, current.state === 'steady' ? 0 : 1);
    metrics.addMetric('RolesEpoch', MetricUnit.Count, current.epoch);
    return {
      active: current.active,
      epoch: current.epoch,
      state: current.state,
      ...(runs === undefined ? {} : { consumerRuns: runs }),
    };
  };
