// One mirror run: read both pools, plan, and (unless a dry run, or something Cognito cannot change is in the way)
// write the plan to the backup pool. The command line and the scheduled check both start here.

import type { ConfigurationReads, ConfigurationWrites } from '@cognito-dr/shared';
import { applyMirrorPlan } from './apply-mirror';
import { type MirrorChange, type MirrorOptions, type MirrorPlan, planMirror } from './plan-mirror';
import { readPoolConfiguration } from './pool-configuration';

export interface MirrorSide<Api> {
  api: Api;
  userPoolId: string;
  /** Where the pool is, for messages (a region). */
  where: string;
}

export interface MirrorRun {
  plan: MirrorPlan;
  /** Writes made; 0 for a dry run or a blocked plan. */
  applied: number;
}

export async function mirrorPools(
  primary: MirrorSide<ConfigurationReads>,
  backup: MirrorSide<ConfigurationReads & ConfigurationWrites>,
  options: MirrorOptions & { dryRun?: boolean; onApplied?: (change: MirrorChange) => void } = {},
): Promise<MirrorRun> {
  const [primaryConfiguration, backupConfiguration] = await Promise.all([
    readPoolConfiguration(primary.api, primary.userPoolId, primary.where),
    readPoolConfiguration(backup.api, backup.userPoolId, backup.where),
  ]);
  const plan = planMirror(primaryConfiguration, backupConfiguration, options);
  if (options.dryRun || plan.blockers.length > 0 || plan.changes.length === 0) return { plan, applied: 0 };
  return { plan, applied: await applyMirrorPlan(backup.api, plan, options.onApplied) };
}

/** How far the backup's configuration is from the primary's: what the scheduled check publishes. */
export async function configurationDrift(
  primary: MirrorSide<ConfigurationReads>,
  backup: MirrorSide<ConfigurationReads>,
): Promise<MirrorPlan> {
  const [primaryConfiguration, backupConfiguration] = await Promise.all([
    readPoolConfiguration(primary.api, primary.userPoolId, primary.where),
    readPoolConfiguration(backup.api, backup.userPoolId, backup.where),
  ]);
  return planMirror(primaryConfiguration, backupConfiguration, { mode: 'check' });
}
