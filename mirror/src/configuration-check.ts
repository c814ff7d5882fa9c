// The scheduled comparison of the backup pool's configuration with the primary's: the number of differences (what
// mirror would change, plus what it cannot) as one metric, and each named in the log by section, name and field,
// never by value. Secrets are not compared: the check holds none.
import type { ConfigurationReads } from '@cognito-dr/shared';
import { configurationDrift, type MirrorSide } from './mirror-pools';

export interface ConfigurationCheckDeps {
  primary: MirrorSide<ConfigurationReads>;
  backup: MirrorSide<ConfigurationReads>;
  publish: (differences: number) => void;
  log: { info(message: string, fields: Record<string, unknown>): void };
}

export async function checkConfiguration(deps: ConfigurationCheckDeps): Promise<number> {
  const plan = await configurationDrift(deps.primary, deps.backup);
  const differences = [
    ...plan.changes.flatMap((c) => c.differences.map((d) => `${c.section} ${c.name}: ${d.field}`)),
    ...plan.blockers.map((b) => `${b.section} ${b.name}: ${b.field} (cannot be changed in place)`),
  ];
  deps.publish(plan.changes.length + plan.blockers.length);
  deps.log.info('configuration compared', {
    changes: plan.changes.length,
    blockers: plan.blockers.length,
    differences,
  });
  return plan.changes.length + plan.blockers.length;
}
