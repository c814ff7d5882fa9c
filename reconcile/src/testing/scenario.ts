// Builds engine test scenarios: a paging fake pool, a scannable fake table and a fake clock wired together.
import {
  groupRecordFromCognito,
  groupRecordToItem,
  isGroupKey,
  recordFromCognitoUser,
  recordFromItem,
  recordToItem,
  type TargetUserState,
  type UserRecord,
} from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { type PagingOptions, PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import type { PoolUser } from '@cognito-dr/shared/src/testing/replication-oracle';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { type CheckpointStore, memoryCheckpointStore } from '../checkpoint';
import type { ReconcileDeps } from '../reconcile-direction';

export const ORIGIN = 'us-east-1';
/** The deployment's other region, whose pool the reconciler is not told. */
export const OTHER_REGION = 'ap-northeast-1';
export const POOL_ID = 'us-east-1_TESTPOOL';
export const TABLE_NAME = 'cognito-dr-users-test';

export interface Scenario {
  pool: PagingUserPool;
  table: ScannableTable;
  clock: FakeClock;
  checkpoints: CheckpointStore;
  deps: ReconcileDeps;
}

export function scenario(options: PagingOptions & { checkpoints?: CheckpointStore } = {}): Scenario {
  const pool = new PagingUserPool(options);
  const table = new ScannableTable();
  const clock = new FakeClock();
  pool.clock = clock;
  const checkpoints = options.checkpoints ?? memoryCheckpointStore();
  return {
    pool,
    table,
    clock,
    checkpoints,
    deps: {
      cognito: pool.client,
      table: table.client,
      userPoolId: POOL_ID,
      tableName: TABLE_NAME,
      origin: ORIGIN,
      clock,
      checkpoints,
      pools: { [ORIGIN]: POOL_ID, [OTHER_REGION]: undefined },
    },
  };
}

/** The pool as records, read now: what the table must hold once reconciled. */
export function poolRecords(
  pool: PagingUserPool,
  now: number,
  origin = ORIGIN,
  poolId = POOL_ID,
): Map<string, UserRecord> {
  const records = new Map<string, UserRecord>();
  for (const user of pool.users.values()) {
    const groups = [...pool.groups.entries()]
      .filter(([, members]) => members.has(user.username))
      .map(([g]) => g);
    records.set(
      user.username,
      recordFromCognitoUser({
        user: {
          Username: user.username,
          Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
          Enabled: user.enabled,
          UserStatus: user.status as never,
        },
        groups,
        origin,
        poolId,
        now,
      }),
    );
  }
  return records;
}

/** Every user record in the table, tombstones included. */
/** The pool's users as the pool holds them, for the replication oracle (no mapper in between). */
export function poolUsers(pool: PagingUserPool): PoolUser[] {
  return [...pool.users.keys()].map((username) => ({
    username,
    ...(pool.state(username) as TargetUserState),
  }));
}

export function tableRecords(table: ScannableTable): Map<string, UserRecord> {
  const records = new Map<string, UserRecord>();
  for (const key of table.items.keys()) {
    if (isGroupKey(key)) continue;
    const item = table.get(key);
    if (item) records.set(key, recordFromItem(item));
  }
  return records;
}

/** Puts a record as a capture would have written it. */
export function putRecord(table: ScannableTable, record: UserRecord): void {
  table.put(recordToItem(record));
}

/** Puts the record of each of the pool's groups as a capture would have written it at `now`. */
export function putGroupRecords(table: ScannableTable, pool: PagingUserPool, now: number): void {
  for (const name of pool.groups.keys()) {
    const record = groupRecordFromCognito(pool.groupOf(name), { origin: ORIGIN, poolId: POOL_ID, now });
    table.put(groupRecordToItem({ ...record, version: 1 }));
  }
}
