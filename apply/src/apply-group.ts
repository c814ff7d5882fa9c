// Applies one changed group record to the standby pool: the group is created with its description, precedence and
// IAM role, updated to them, or deleted, as the active pool's group is. Gated by region roles like a user's record.
import {
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  type GroupType,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type ApplyVerdict,
  applyVerdict,
  cognitoGroupFields,
  type GroupRecord,
  getGroupRecord,
  groupRecordFromCognito,
  isErrorNamed,
  sameGroup,
} from '@cognito-dr/shared';
import { type ApplyDeps, MissingImageError } from './apply-record';
import type { TargetPool } from './target-pool';

export interface GroupChange {
  groupName: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: GroupRecord;
}

export type GroupOperationType = 'createGroup' | 'updateGroup' | 'deleteGroup';

export type GroupApplyOutcome =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'unchanged'
  /** The deletion gate kept the group for now (a mass deletion under review). */
  | 'held'
  | 'skipped-own-origin'
  | 'skipped-remove'
  /** The consumer was given no group applier. */
  | 'skipped-group'
  | `skipped-${Exclude<Extract<ApplyVerdict, { apply: false }>['reason'], 'own-origin'>}`;

export interface GroupApplyResult {
  outcome: GroupApplyOutcome;
  version?: number;
  lagMs?: number;
  operations?: GroupOperationType[];
}

/**
 * Whether a group may be deleted from the standby pool now: the seam a mass-delete breaker plugs into. 'hold' leaves
 * the group (and its members) in place; the next record or repair asks again. Unset: every deletion goes ahead.
 */
export type GroupDeletionGate = (groupName: string) => Promise<'allow' | 'hold'>;

export type GroupApplyDeps = Pick<
  ApplyDeps,
  'cognito' | 'table' | 'userPoolId' | 'tableName' | 'region' | 'roles' | 'now'
> & {
  deletionGate?: GroupDeletionGate;
};

/** Converges the standby pool's group to the newest record of it, as applyRecordChange does a user. */
export async function applyGroupChange(deps: GroupApplyDeps, change: GroupChange): Promise<GroupApplyResult> {
  // TTL removing an old tombstone: the group's fate was settled by the record before.
  if (change.eventName === 'REMOVE') return { outcome: 'skipped-remove' };
  const streamed = change.newImage;
  if (!streamed) throw new MissingImageError(change.eventName);
  if (streamed.origin === deps.region) return { outcome: 'skipped-own-origin', version: streamed.version };
  const stored = await getGroupRecord(deps.table, deps.tableName, change.groupName);
  const target = stored && stored.version > streamed.version ? stored : streamed;
  if (target.origin === deps.region) return { outcome: 'skipped-own-origin', version: target.version };
  const verdict = applyVerdict(await deps.roles(), deps.region, target.origin);
  if (!verdict.apply)
    return { outcome: `skipped-${verdict.reason}` as GroupApplyOutcome, version: target.version };
  const { outcome, operations } = await convergeGroup(deps, target, deps.deletionGate);
  return { outcome, operations, version: target.version, lagMs: Math.max(0, deps.now() - target.updatedAt) };
}

/** The pool's group, or null when it has none of that name. */
export async function readTargetGroup(pool: TargetPool, groupName: string): Promise<GroupType | null> {
  try {
    const { Group } = await pool.cognito.send(
      new GetGroupCommand({ UserPoolId: pool.userPoolId, GroupName: groupName }),
    );
    return Group ?? null;
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return null;
    throw error;
  }
}

/** The calls that make the pool's group what the record says (none when it already is). */
export function planGroup(current: GroupType | null, record: GroupRecord): GroupOperationType[] {
  if (record.deleted === true) return current ? ['deleteGroup'] : [];
  if (!current) return ['createGroup'];
  const existing = groupRecordFromCognito(current, { origin: record.origin, poolId: record.poolId, now: 0 });
  return sameGroup(existing, record) ? [] : ['updateGroup'];
}

/**
 * Makes the pool's group match the record, whatever region roles say (callers decided it belongs here: the stream
 * consumer after its checks, repair, a failover's catch-up). Idempotent: a group created meanwhile is updated, one
 * deleted meanwhile counts as deleted.
 */
export async function convergeGroup(
  pool: TargetPool,
  record: GroupRecord,
  deletionGate?: GroupDeletionGate,
): Promise<{
  outcome: 'created' | 'updated' | 'deleted' | 'unchanged' | 'held';
  operations: GroupOperationType[];
}> {
  const group = { UserPoolId: pool.userPoolId, GroupName: record.groupName };
  const done: GroupOperationType[] = [];
  for (let round = 1; round <= 2; round++) {
    const [operation] = planGroup(await readTargetGroup(pool, record.groupName), record);
    if (!operation) break;
    if (operation === 'deleteGroup') {
      if (deletionGate && (await deletionGate(record.groupName)) === 'hold')
        return { outcome: 'held', operations: done };
      try {
        await pool.cognito.send(new DeleteGroupCommand(group));
      } catch (error) {
        if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
      }
      done.push(operation);
      break;
    }
    const fields = cognitoGroupFields(record);
    if (operation === 'updateGroup') {
      await pool.cognito.send(new UpdateGroupCommand({ ...group, ...fields }));
      done.push(operation);
      break;
    }
    try {
      await pool.cognito.send(new CreateGroupCommand({ ...group, ...fields }));
      done.push(operation);
      break;
    } catch (error) {
      // Created meanwhile (a member's record created it bare): read it again and update it.
      if (!isErrorNamed(error, 'GroupExistsException')) throw error;
    }
  }
  const outcome = done.includes('createGroup')
    ? 'created'
    : done.includes('deleteGroup')
      ? 'deleted'
      : done.length > 0
        ? 'updated'
        : 'unchanged';
  return { outcome, operations: done };
}
