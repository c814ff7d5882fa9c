// Table -> backup pool, in the backup region: every backup user that is missing, stale or should not exist is
// converged to its record through @cognito-dr/apply, the replica's own convergence, so repair and the stream
// consumer can never disagree. Uses only backup-region resources: it works with the primary region down.
import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ApplyDeps,
  applyRecordChange,
  type DeletionBreaker,
  DeletionHeldError,
  executeOperation,
  type GroupDeletionGate,
  locateTargetUser,
  type ReplicatorClient,
  randomPassword,
  readTargetUser,
} from '@cognito-dr/apply';
import {
  assertOwnTable,
  attributesOf,
  type Clock,
  type ConvergeOperation,
  type DeploymentPools,
  deploymentPools,
  getGroupRecord,
  getRecord,
  normalizeGroups,
  planConvergence,
  type RegionRoles,
  type UserRecord,
} from '@cognito-dr/shared';
import type { CheckpointStore } from './checkpoint';
import { assertDirection, repairRefusal } from './direction-guard';
import {
  type Direction,
  listedKeyOf,
  type RunResult,
  type UserOutcome,
  type WalkOptions,
  walk,
} from './engine';
import { repairGroups } from './group-pass';
import { type Budget, budgetedCognito, budgetOf } from './quota';

export interface RepairDeps {
  /** Backup pool client; the run budgets it itself (the backup region's quotas). */
  cognito: CognitoIdentityProviderClient;
  /** The replication table's replica in the backup region. */
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  /** The backup region: records written here (after a failover) have this pool as their source, not a target. */
  region: string;
  clock: Clock;
  checkpoints: CheckpointStore;
  /** Region roles: only records of the active region are applied, and only while this pool is standby. */
  roles: () => Promise<RegionRoles>;
  /** This deployment's pools: the run refuses a table whose records name others (table-owner.ts). */
  pools: DeploymentPools;
  /**
   * The backup pool's deletion breaker: a repair after a mass deletion must not finish what the breaker held. A
   * held user counts as unchanged (the breaker reports it); asked about again, it is answered from its hold.
   */
  breaker: DeletionBreaker | null;
  /** Whether a group may be deleted from the backup pool now; unset: always (each deletion is counted). */
  groupDeletionGate?: GroupDeletionGate;
  /**
   * The backup pool's replicator client: a missing user then costs one SignUp (UserCreation), not AdminCreateUser
   * and AdminSetUserPassword (UserAccountRecovery, which every user's password reset shares after a failover).
   */
  replicator?: ReplicatorClient;
  /** Called before every pool write: throws (LeaseLostError) when this run may no longer write. */
  beforeWrite?: () => Promise<void>;
}

export interface RepairOptions extends WalkOptions {
  budget?: Budget;
}

const DELETE_USER: ConvergeOperation = { type: 'deleteUser' };

/** Runs (or continues) one repair of the backup pool from the table. */
export async function runRepair(deps: RepairDeps, options: RepairOptions = {}): Promise<RunResult> {
  // Only a standby pool is repaired: an active one holds changes (and sign-ups) the table has not caught yet.
  await assertDirection(deps.roles, repairRefusal, deps.region);
  await assertOwnTable(deps.table, deps.tableName, deploymentPools(deps.pools, await deps.roles()));
  const cognito = budgetedCognito(deps.cognito, options.budget ?? budgetOf(), deps.clock);
  const dryRun = options.dryRun === true;
  const { userPoolId, tableName, table, region, clock } = deps;
  const groupRecord = (name: string) => getGroupRecord(table, tableName, name);
  const pool = { cognito: cognito.client, userPoolId, breaker: deps.breaker, groupRecord };
  // Groups first, once per run: users are then added to groups that already have their description and role.
  const groups = (await deps.checkpoints.load())
    ? undefined
    : await repairGroups({
        cognito: cognito.client,
        table,
        userPoolId,
        tableName,
        clock,
        dryRun,
        region,
        roles: deps.roles,
        deletionGate: deps.groupDeletionGate,
        beforeWrite: deps.beforeWrite,
        onFailure: options.onGroupFailure,
      });
  const applyDeps: ApplyDeps = {
    cognito: cognito.client,
    table,
    userPoolId,
    tableName,
    region,
    roles: deps.roles,
    createMissing: true,
    now: () => clock.now(),
    groupRecord,
    breaker: deps.breaker,
    ...(deps.replicator ? { replicator: deps.replicator } : {}),
  };

  /** What converging would do, from a fresh read of both sides. */
  const plannedOutcome = async (key: string, listedAs: string | undefined): Promise<UserOutcome> => {
    const record = await getRecord(table, tableName, key);
    if (!record) return listedAs && (await readTargetUser(pool, listedAs)) ? 'deleted' : 'unchanged';
    if (record.origin === region) return 'unchanged';
    const backup = await locateTargetUser(pool, record, listedAs ? [listedAs] : []);
    return outcomeOf(planConvergence(backup?.state ?? null, record).map((operation) => operation.type));
  };

  /**
   * Converges one backup user to its record, re-reading both (the listing may be minutes old). `key`: the record's;
   * `listedAs`: the pool's username of the listed user, which differs from the key where the pool generates them.
   */
  const converge = async (key: string, listedAs?: string): Promise<UserOutcome> => {
    if (dryRun) return plannedOutcome(key, listedAs);
    const record = await getRecord(table, tableName, key);
    if (!record) {
      // No record at all: the user was never replicated here, so nothing should hold it in the backup pool.
      if (!listedAs || !(await readTargetUser(pool, listedAs))) return 'unchanged';
      // Asked again right before: a failover since the run started makes this pool active, and its user real.
      await deps.beforeWrite?.();
      await assertDirection(deps.roles, repairRefusal, region);
      try {
        await executeOperation(pool, listedAs, DELETE_USER, randomPassword, key);
      } catch (error) {
        if (error instanceof DeletionHeldError) return 'unchanged';
        throw error;
      }
      return 'deleted';
    }
    await deps.beforeWrite?.();
    const { outcome } = await applyRecordChange(
      applyDeps,
      // The listed user is the one to converge, whatever email the record now gives it.
      { username: key, eventName: 'MODIFY', newImage: record, alsoKnownAs: listedAs ? [listedAs] : [] },
      record,
    );
    return outcome === 'created' || outcome === 'updated' || outcome === 'deleted' ? outcome : 'unchanged';
  };

  const direction: Direction = {
    mode: 'repair',
    listsGroups: true,
    scansTable: true,
    differs: (user: UserType, record) => {
      if (!record) return true;
      if (record.origin === region) return false;
      const listed = {
        attributes: attributesOf(user),
        enabled: user.Enabled !== false,
        status: user.UserStatus ?? 'UNKNOWN',
        // Groups are the group listing's to judge (table phase); here the record's own stand in for them.
        groups: normalizeGroups(record.groups),
      };
      return planConvergence(listed, record).length > 0;
    },
    settleListed: (user) => converge(listedKeyOf(user as UserType & { Username: string }), user.Username),
    settleRecord: (record: UserRecord) =>
      record.origin === region ? Promise.resolve('unchanged') : converge(record.username),
  };
  const result = await walk(
    { cognito, table, userPoolId, tableName, clock, checkpoints: deps.checkpoints },
    direction,
    options,
  );
  return groups ? { ...result, groups } : result;
}

/** What a plan would do to the user, in the words of the counts. */
function outcomeOf(operations: readonly ConvergeOperation['type'][]): UserOutcome {
  if (operations.length === 0) return 'unchanged';
  if (operations.includes('createUser')) return 'created';
  if (operations.includes('deleteUser')) return 'deleted';
  return 'updated';
}
