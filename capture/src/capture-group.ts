// Captures one group of the active region's pool into the replication table: what the group is (description,
// precedence, IAM role) after a CreateGroup or UpdateGroup, a tombstone after a DeleteGroup.
import { GetGroupCommand, type GroupType } from '@aws-sdk/client-cognito-identity-provider';
import {
  type GroupStoreResult,
  groupRecordFromCognito,
  isErrorNamed,
  storeGroupSnapshot,
  storeGroupTombstone,
} from '@cognito-dr/shared';
import type { CaptureDeps } from './capture-user';

/**
 * Reads the group from the pool and stores it; a group the pool no longer has becomes a tombstone. Safe to repeat
 * and to run concurrently: the read taken latest wins, and the same group is not rewritten.
 */
export async function captureGroup(deps: CaptureDeps, groupName: string): Promise<GroupStoreResult> {
  // Taken before the read, as for users: a capture started after a change is newer and sure to include it.
  const readAt = deps.now();
  const stamp = { origin: deps.origin, poolId: deps.userPoolId, now: readAt };
  let group: GroupType | undefined;
  try {
    ({ Group: group } = await deps.cognito.send(
      new GetGroupCommand({ UserPoolId: deps.userPoolId, GroupName: groupName }),
    ));
  } catch (error) {
    if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
  }
  if (!group) return storeGroupTombstone(deps.table, deps.tableName, groupName, stamp);
  return storeGroupSnapshot(deps.table, deps.tableName, groupRecordFromCognito(group, stamp));
}
