// Builds engine test scenarios: a paging fake pool, a scannable fake table and a fake clock wired together.
import { recordFromCognitoUser, recordFromItem, recordToItem, type UserRecord } from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { type PagingOptions, PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { type CheckpointStore, memoryCheckpointStore } from '../checkpoint';
import type { ReconcileDeps } from '../reconcile-direction';

export const ORIGIN = 'us-east-1';
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
    },
  };
}

/** The pool as records, read now: what the table must hold once reconciled. */
export function poolRecords(pool: PagingUserPool, now: number, origin = ORIGIN): Map<string, UserRecord> {
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
        now,
      }),
    );
  }
  return records;
}

/** Every record in the table, tombstones included. */
export function tableRecords(table: ScannableTable): Map<string, UserRecord> {
  const records = new Map<string, UserRecord>();
  for (const key of table.items.keys()) {
    const item = table.get(key);
    if (item) records.set(key, recordFromItem(item));
  }
  return records;
}

/** Puts a record as a capture would have written it. */
export function putRecord(table: ScannableTable, record: UserRecord): void {
  table.put(recordToItem(record));
}
