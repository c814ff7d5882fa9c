// Primary pool -> table: missing and stale records are written from a fresh read of the user, records of departed
// users become tombstones once AdminGetUser confirms the user is gone. Backfill is the same without the table scan.
import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  assertOwnTable,
  attributesOf,
  type Clock,
  type DeploymentPools,
  deploymentPools,
  getRecord,
  isNamedBySignIn,
  linkedSub,
  Pacer,
  type PoolUser,
  type RegionRoles,
  readPoolUser,
  readRecordUser,
  recordFromCognitoUser,
  sameListedSnapshot,
  storeSnapshot,
  storeTombstone,
  type UserRecord,
} from '@cognito-dr/shared';
import type { CheckpointStore } from './checkpoint';
import { assertDirection, reconcileRefusal } from './direction-guard';
import { recordAction } from './drift';
import { type Direction, type RunResult, type UserOutcome, type WalkOptions, walk } from './engine';
import { reconcileGroups } from './group-pass';
import { type Budget, budgetedCognito, budgetOf } from './quota';

export interface ReconcileDeps {
  /** Primary pool client; the run budgets it itself. */
  cognito: CognitoIdentityProviderClient;
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  /** Region stamped on written records (the primary's). */
  origin: string;
  clock: Clock;
  checkpoints: CheckpointStore;
  /** This deployment's pools: the run refuses a table whose records name others (table-owner.ts). */
  pools: DeploymentPools;
  /** Region roles, where the caller can read them: they name the pools a switch has seen. */
  roles?: () => Promise<RegionRoles>;
  /** Called before every record write: throws (LeaseLostError) when this run may no longer write. */
  beforeWrite?: () => Promise<void>;
}

/**
 * Records written per second. Each becomes replica calls in the backup region (a new user: the UserCreation
 * category, 50 rps by default), so the default is half of that.
 */
export const DEFAULT_WRITES_PER_SECOND = 25;

export interface ReconcileOptions extends WalkOptions {
  mode: 'reconcile' | 'backfill';
  budget?: Budget;
  writesPerSecond?: number;
}

/** Runs (or continues, when the store holds a checkpoint) one reconcile or backfill of the primary pool. */
export async function runReconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<RunResult> {
  if (options.mode === 'backfill' && options.modifiedSince !== undefined) {
    throw new RangeError(
      'a backfill reads every user: an incremental walk (modifiedSince) is for reconcile only',
    );
  }
  // Only the active pool is recorded: a standby one is a copy, older than what the active region's users did.
  const stillActive = async () => {
    if (deps.roles) await assertDirection(deps.roles, reconcileRefusal, deps.origin);
  };
  const mayWrite = async () => {
    await deps.beforeWrite?.();
    await stillActive();
  };
  await stillActive();
  // Before anything is written, and on every invocation: a continuation may run with other settings.
  await assertOwnTable(deps.table, deps.tableName, deploymentPools(deps.pools, await deps.roles?.()));
  const budget = options.budget ?? budgetOf();
  const cognito = budgetedCognito(deps.cognito, budget, deps.clock);
  const writes = new Pacer(options.writesPerSecond ?? DEFAULT_WRITES_PER_SECOND, deps.clock);
  const dryRun = options.dryRun === true;
  const { userPoolId, tableName, table, origin, clock } = deps;
  // Groups first, once per run (not per continuation): members are then created in groups that already say what
  // they are. Each group record becomes a CreateGroup or UpdateGroup in the other region, paced to its share.
  const groups = (await deps.checkpoints.load())
    ? undefined
    : await reconcileGroups({
        cognito: cognito.client,
        table,
        userPoolId,
        tableName,
        clock,
        dryRun,
        origin,
        writes: new Pacer(budget.UserPoolResourceUpdate, clock),
        beforeWrite: deps.beforeWrite,
        onFailure: options.onGroupFailure,
      });

  /** Brings the table's record in line with a pool snapshot. */
  const converge = async (snapshot: UserRecord): Promise<UserOutcome> => {
    const action = recordAction(snapshot, await getRecord(table, tableName, snapshot.username));
    if (action === 'none') return 'unchanged';
    const outcome = action === 'create' ? 'created' : 'updated';
    if (dryRun) return outcome;
    await writes.take();
    // Asked again right before each write: a switch may have made this pool a standby copy since the run started.
    await mayWrite();
    const stored = await storeSnapshot(table, tableName, snapshot);
    // 'stale' / 'unchanged': another writer got there first with the same or newer content.
    return stored.result === 'written' ? outcome : 'unchanged';
  };

  /** `listed` is the record as the (eventually consistent) scan showed it; what is buried is the record now. */
  const bury = async (listed: UserRecord, readAt: number): Promise<UserOutcome> => {
    const record = await getRecord(table, tableName, listed.username);
    if (!record || record.deleted === true) return 'unchanged';
    if (record.updatedAt >= readAt) return 'unchanged';
    // Written by the other region and never here: someone who signed up there during a failover and has not
    // signed in here since. They migrate in on first sign-in; burying them would delete them everywhere.
    if (record.origin !== origin) return 'unchanged';
    if (dryRun) return 'tombstoned';
    await writes.take();
    await mayWrite();
    const stored = await storeTombstone(table, tableName, record.username, {
      origin,
      poolId: userPoolId,
      now: readAt,
    });
    return stored.result === 'tombstoned' ? 'tombstoned' : 'unchanged';
  };

  /** A fresh read of the user (the listing and the group listing may be minutes old), then the record follows it. */
  const readAndConverge = async (user: string | UserRecord): Promise<UserOutcome | 'vanished'> => {
    // Taken before the read: the snapshot may then only lose against a capture that read the user later.
    const readAt = clock.now();
    const found =
      typeof user === 'string'
        ? await readPoolUser(cognito.client, userPoolId, user)
        : await readRecordUser(cognito.client, userPoolId, user);
    if (!found || !isTheUser(found, user)) return 'vanished';
    return converge(
      recordFromCognitoUser({
        user: found.user,
        groups: found.groups,
        origin,
        poolId: userPoolId,
        now: readAt,
      }),
    );
  };

  const direction: Direction = {
    mode: options.mode,
    listsGroups: options.mode === 'reconcile',
    scansTable: options.mode === 'reconcile',
    differs: (user: UserType, record) => {
      if (!record || record.deleted === true) return true;
      try {
        // Groups are the group listing's to judge (table phase); here the record's own stand in for them.
        const listed = recordFromCognitoUser({
          user,
          groups: record.groups,
          origin,
          poolId: userPoolId,
          now: record.updatedAt,
        });
        return !sameListedSnapshot(record, listed);
      } catch {
        return true; // a listed user that cannot become a record: the fresh read reports why
      }
    },
    settleListed: (user) => readAndConverge(user.Username as string),
    settleRecord: async (record) => {
      const readAt = clock.now();
      const outcome = await readAndConverge(record);
      return outcome === 'vanished' ? bury(record, readAt) : outcome;
    },
  };
  const result = await walk(
    { cognito, table, userPoolId, tableName, clock, checkpoints: deps.checkpoints },
    direction,
    options,
  );
  return groups ? { ...result, groups } : result;
}

/**
 * Whether the pool user read is the one asked for: by name (usernames are case-insensitive in these pools; a
 * different name means AdminGetUser hit an alias), or, for a record whose pool generates usernames, by the link to
 * its home sub (anyone else holding the email is somebody else).
 */
function isTheUser(found: PoolUser, asked: string | UserRecord): boolean {
  if (typeof asked !== 'string' && isNamedBySignIn(asked)) {
    return linkedSub(attributesOf(found.user)) === asked.sub;
  }
  const name = typeof asked === 'string' ? asked : asked.username;
  const poolUsername = found.user.Username;
  return poolUsername === undefined || poolUsername.toLowerCase() === name.toLowerCase();
}
