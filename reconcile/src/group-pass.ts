// The groups of a bulk run, before its users: ListGroups against the group records. Reconcile gives every group of the
// active pool a record like it and buries the records of groups it no longer has; repair makes the standby pool's
// groups what their records say. Groups are few (at most 10,000 a pool), so one pass lists them all at once.
import {
  type CognitoIdentityProviderClient,
  type GroupType,
  paginateListGroups,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { convergeGroup, type GroupDeletionGate, planGroup } from '@cognito-dr/apply';
import { captureGroup } from '@cognito-dr/capture';
import type { Pacer } from '@cognito-dr/shared';
import {
  applyVerdict,
  type Clock,
  COGNITO_PAGE_SIZE,
  errorName,
  groupRecordFromCognito,
  listGroupRecords,
  type RegionRoles,
  sameGroup,
  storeGroupSnapshot,
} from '@cognito-dr/shared';
import { LeaseLostError } from './checkpoint';

export interface GroupCounts {
  checked: number;
  created: number;
  updated: number;
  /** Records buried (reconcile) or groups deleted from the standby pool (repair). */
  removed: number;
  unchanged: number;
  /** Deletions the deletion gate held (repair). */
  held: number;
  failed: number;
}

export const zeroGroupCounts = (): GroupCounts => ({
  checked: 0,
  created: 0,
  updated: 0,
  removed: 0,
  unchanged: 0,
  held: 0,
  failed: 0,
});

interface GroupPassDeps {
  /** The pool's client, behind the run's budget. */
  cognito: CognitoIdentityProviderClient;
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  clock: Clock;
  dryRun: boolean;
  /** Called before every write: throws (LeaseLostError) when the run may no longer write, which stops the pass. */
  beforeWrite?: () => Promise<void>;
  onFailure?: (failure: { group: string; error: string }) => void;
}

/** Every group of the pool by name, each page read at the time noted beside it. */
async function listGroups(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clock: Clock,
): Promise<Map<string, { group: GroupType; readAt: number }>> {
  const groups = new Map<string, { group: GroupType; readAt: number }>();
  let readAt = clock.now();
  for await (const page of paginateListGroups(
    { client: cognito, pageSize: COGNITO_PAGE_SIZE },
    { UserPoolId: userPoolId },
  )) {
    for (const group of page.Groups ?? [])
      if (group.GroupName) groups.set(group.GroupName, { group, readAt });
    readAt = clock.now();
  }
  return groups;
}

/**
 * Active pool -> table. A group whose record is missing, buried or different gets a record from the listing (read a
 * moment ago, and a record written after it is left alone); a live record of a group the pool does not list is
 * confirmed gone with GetGroup before it is buried. Records written by the other region are never buried, as for
 * users. Each record written becomes a CreateGroup or UpdateGroup in the other region, so writes are paced.
 */
export async function reconcileGroups(
  deps: GroupPassDeps & { origin: string; writes: Pacer },
): Promise<GroupCounts> {
  const counts = zeroGroupCounts();
  const [listed, { records }] = await Promise.all([
    listGroups(deps.cognito, deps.userPoolId, deps.clock),
    listGroupRecords(deps.table, deps.tableName),
  ]);
  const settle = async (name: string, work: () => Promise<keyof GroupCounts>) => {
    counts.checked += 1;
    try {
      counts[await work()] += 1;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      counts.failed += 1;
      deps.onFailure?.({ group: name, error: errorName(error) ?? 'unknown' });
    }
  };
  for (const [name, { group, readAt }] of listed) {
    await settle(name, async () => {
      const record = records.get(name);
      const stamp = { origin: deps.origin, poolId: deps.userPoolId, now: readAt };
      const snapshot = groupRecordFromCognito(group, stamp);
      if (
        record &&
        (record.updatedAt >= readAt || (record.deleted !== true && sameGroup(record, snapshot)))
      ) {
        return 'unchanged';
      }
      const outcome = !record || record.deleted === true ? 'created' : 'updated';
      if (deps.dryRun) return outcome;
      await deps.writes.take();
      await deps.beforeWrite?.();
      const stored = await storeGroupSnapshot(deps.table, deps.tableName, snapshot);
      return stored.result === 'written' ? outcome : 'unchanged';
    });
  }
  for (const [name, record] of records) {
    if (listed.has(name) || record.deleted === true || record.origin !== deps.origin) continue;
    await settle(name, async () => {
      if (deps.dryRun) return 'removed';
      await deps.writes.take();
      await deps.beforeWrite?.();
      // A fresh read decides: created since the listing, it is recorded as it is now instead.
      const { result } = await captureGroup(
        { ...deps, origin: deps.origin, now: () => deps.clock.now() },
        name,
      );
      return result === 'tombstoned' ? 'removed' : result === 'written' ? 'updated' : 'unchanged';
    });
  }
  return counts;
}

/**
 * Table -> standby pool. Every group record of the active region is converged through the stream consumer's own
 * convergence (a deletion through its deletion gate). A group of the pool that has no record at all is left alone:
 * the pool's own admin group before the first reconcile, or a group nothing in the table speaks for.
 */
export async function repairGroups(
  deps: GroupPassDeps & {
    region: string;
    roles: () => Promise<RegionRoles>;
    deletionGate?: GroupDeletionGate;
  },
): Promise<GroupCounts> {
  const counts = zeroGroupCounts();
  const [listed, { records }, roles] = await Promise.all([
    listGroups(deps.cognito, deps.userPoolId, deps.clock),
    listGroupRecords(deps.table, deps.tableName),
    deps.roles(),
  ]);
  const pool = { cognito: deps.cognito, userPoolId: deps.userPoolId };
  for (const [name, record] of records) {
    if (!applyVerdict(roles, deps.region, record.origin).apply) continue;
    counts.checked += 1;
    try {
      const [operation] = planGroup(listed.get(name)?.group ?? null, record);
      const planned = !operation
        ? 'unchanged'
        : operation === 'createGroup'
          ? 'created'
          : operation === 'updateGroup'
            ? 'updated'
            : 'removed';
      if (deps.dryRun || planned === 'unchanged') {
        counts[planned] += 1;
        continue;
      }
      await deps.beforeWrite?.();
      const { outcome } = await convergeGroup(pool, record, deps.deletionGate);
      counts[outcome === 'deleted' ? 'removed' : outcome] += 1;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      counts.failed += 1;
      deps.onFailure?.({ group: name, error: errorName(error) ?? 'unknown' });
    }
  }
  return counts;
}
