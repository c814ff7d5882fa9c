// Region roles as metrics, once a minute in each region: the dashboards and alarms cannot read the control table,
// so this says which region this one believes is active (RegionActive 1/0), the switch's epoch, and whether a
// switch is under way (RegionSwitching 1/0). A region that can no longer read its roles says nothing, which the
// dashboard shows as a gap.
//
// It also says whether this region's stream consumer runs (ConsumerRunning 1/0): a disabled event source mapping,
// or one Lambda reports a problem with (a lost permission, a deleted function or stream), invokes nothing and so
// emits no IteratorAge, the metric the lag alarm watches; ConsumerStalledAlarm watches this one instead.
//
// PostureMismatch (1/0): this region's pool is not set up as the roles want it (a backup left verifying and messaging
// after a failback, a posture the roles call unknown, whose consumer applies nothing, an active pool verifying
// something other than what its users sign in with). RegionsBothActive (1/0): this
// region's replica of the roles and the other region's replica each name their own region active. A CloudWatch alarm
// cannot read a metric of another region, so the heartbeat reads the other region's replica itself.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { otherRegion, type RegionRoles } from '@cognito-dr/shared';
import { checkPosture, type PoolReading } from './pool-posture';

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

export interface HeartbeatChecks {
  /** This region's pool's posture as its settings are now. */
  poolPosture: () => Promise<PoolReading>;
  /** The roles as the other region's replica holds them, read in that region. */
  otherRegionRoles: () => Promise<RegionRoles>;
}

export const onRolesHeartbeat =
  (
    roles: () => Promise<RegionRoles>,
    region: string,
    metrics: Pick<Metrics, 'addMetric'>,
    /** This region's stream consumer's mapping; absent where there is none to watch (the local stack). */
    consumer?: () => Promise<ConsumerMapping>,
    /** The pool and the other region's roles; absent where there are none to read (the local stack). */
    checks?: HeartbeatChecks,
  ) =>
  async (): Promise<{
    active: string;
    epoch: number;
    state: RegionRoles['state'];
    consumerRuns?: boolean;
    postureAgrees?: boolean;
    bothActive?: boolean;
  }> => {
    // The consumer is checked first and on its own: a region that cannot read its roles still says whether its
    // consumer runs.
    const runs = consumer ? consumerRuns(await consumer()) : undefined;
    if (runs !== undefined) metrics.addMetric('ConsumerRunning', MetricUnit.Count, runs ? 1 : 0);
    const current = await roles();
    metrics.addMetric('RegionActive', MetricUnit.Count, current.active === region ? 1 : 0);
    metrics.addMetric('RegionSwitching', MetricUnit.Count, current.state === 'steady' ? 0 : 1);
    metrics.addMetric('RolesEpoch', MetricUnit.Count, current.epoch);
    const result = {
      active: current.active,
      epoch: current.epoch,
      state: current.state,
      ...(runs === undefined ? {} : { consumerRuns: runs }),
    };
    if (!checks) return result;
    const [pool, other] = await Promise.allSettled([checks.poolPosture(), checks.otherRegionRoles()]);
    // The other region down says nothing either way: no datapoint, which the alarm does not count as breaching.
    let bothActive: boolean | undefined;
    if (other.status === 'fulfilled') {
      const elsewhere = otherRegion(current, region);
      bothActive = current.active === region && other.value.active === elsewhere;
      metrics.addMetric('RegionsBothActive', MetricUnit.Count, bothActive ? 1 : 0);
    }
    // This region's own pool unreadable is a fault of the heartbeat: it fails, and its errors show it.
    if (pool.status === 'rejected') throw pool.reason;
    const { agrees } = checkPosture(current, region, pool.value);
    metrics.addMetric('PostureMismatch', MetricUnit.Count, agrees ? 0 : 1);
    return { ...result, postureAgrees: agrees, ...(bothActive === undefined ? {} : { bothActive }) };
  };
