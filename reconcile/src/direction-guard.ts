// Which way a bulk run may go, decided from region roles. A reconcile copies a pool into the table, so it may only
// read the active pool: the table holds what the active region's users did, and a standby pool is only a copy of
// it. A repair makes a pool what the table says, so it may only write into a standby pool: an active pool holds
// changes the table has not caught yet (a sign-up not confirmed has no record at all), which a repair would undo or
// delete. Checked before a run starts and again before each write, since a switch may happen during a long run.
import type { RegionRoles } from '@cognito-dr/shared';

/** A run refused because of the region roles: nothing was changed, the message names the command to use. */
export class DirectionRefusedError extends Error {
  override readonly name = 'DirectionRefusedError';
}

const switchUnderWay = (roles: RegionRoles): string | undefined => {
  if (roles.state === 'failing-over')
    return `a failover to ${roles.target} is under way; finish it with \`cognito-dr failover\` first`;
  if (roles.state === 'failing-back')
    return `a failback to ${roles.target} is under way; finish it with \`cognito-dr failback\` first`;
  return undefined;
};

/** Why the pool of `region` must not be repaired from the table now; undefined when it may. */
export function repairRefusal(roles: RegionRoles, region: string): string | undefined {
  const [primary] = roles.regions;
  if (roles.active === region) {
    return (
      `the pool in ${region} is the active pool (epoch ${roles.epoch}): repair converges a standby pool to the ` +
      "table, and here it would undo its users' own changes and delete users who have no record yet (sign-ups " +
      'not confirmed). Nothing was changed. ' +
      (switchUnderWay(roles) ??
        (region === primary
          ? '`cognito-dr reconcile` records its users in the table'
          : `Its capture records its changes; \`cognito-dr failback\` carries them to the pool in ${primary} ` +
            'and puts this one back on standby, after which repair runs here again'))
    );
  }
  const underWay = switchUnderWay(roles);
  if (underWay && roles.target === region) return `${underWay}. Nothing was changed.`;
  return undefined;
}

/** Why the pool of `region` must not be reconciled into the table now; undefined when it may. */
export function reconcileRefusal(roles: RegionRoles, region: string): string | undefined {
  const underWay = switchUnderWay(roles);
  if (underWay) return `${underWay}. Nothing was changed.`;
  if (roles.active === region) return undefined;
  return (
    `the pool in ${region} is on standby: ${roles.active} is the active region (epoch ${roles.epoch}). ` +
    "Reconcile records the active pool's users in the table; from this pool it would overwrite the records of " +
    `users changed in ${roles.active} with older copies. Nothing was changed. ` +
    `\`cognito-dr failback\` makes ${region} active again, after which reconcile runs; ` +
    '`cognito-dr status` shows the drift meanwhile'
  );
}

/** Throws DirectionRefusedError when `refusal` (one of the functions above) says no. */
export async function assertDirection(
  roles: () => Promise<RegionRoles>,
  refusal: (roles: RegionRoles, region: string) => string | undefined,
  region: string,
): Promise<void> {
  const reason = refusal(await roles(), region);
  if (reason) throw new DirectionRefusedError(reason);
}
