// The group pass of reconcile and repair: ListGroups against the group records, both ways, before the users.
import {
  getGroupRecord,
  groupRecordFromCognito,
  groupRecordToItem,
  initialRoles,
  listGroupRecords,
  QUOTA_CATEGORIES,
} from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { memoryCheckpointStore } from './checkpoint';
import { DirectionRefusedError } from './direction-guard';
import type { Budget } from './quota';
import { runReconcile } from './reconcile-direction';
import { type RepairDeps, runRepair } from './repair-direction';
import { ORIGIN, OTHER_REGION, POOL_ID, putGroupRecords, scenario } from './testing/scenario';

const UNLIMITED = Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 1e9])) as Budget;
const fast = { budget: UNLIMITED, writesPerSecond: 1e9 };
const ROLE = 'arn:aws:iam::123456789012:role/readers';

describe("reconcile: the active pool's groups into the table", () => {
  it('records every group with what it is, updates one that changed, and buries one the pool no longer has', async () => {
    const s = scenario();
    s.pool.addGroup('readers', { Description: 'May read', Precedence: 5, RoleArn: ROLE });
    s.pool.addGroup('writers', { Description: 'May write' });
    s.pool.addGroup('gone');
    putGroupRecords(s.table, s.pool, s.clock.now() - 1000);
    s.pool.groupInfo.set('writers', { Description: 'May write drafts', Precedence: 1 });
    s.pool.groups.delete('gone');
    s.pool.groupInfo.delete('gone');
    s.pool.addGroup('new', { Description: 'Just made' });

    const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

    expect(result.groups).toEqual({
      checked: 4,
      created: 1,
      updated: 1,
      removed: 1,
      unchanged: 1,
      held: 0,
      failed: 0,
    });
    const { records } = await listGroupRecords(s.table.client, 'cognito-dr-users-test');
    expect(records.get('readers')).toMatchObject({
      description: 'May read',
      precedence: 5,
      roleArn: ROLE,
      version: 1,
    });
    expect(records.get('writers')).toMatchObject({
      description: 'May write drafts',
      precedence: 1,
      version: 2,
    });
    expect(records.get('new')).toMatchObject({ description: 'Just made', origin: ORIGIN, poolId: POOL_ID });
    expect(records.get('gone')).toMatchObject({ deleted: true });
    // Only the group the listing did not show is read on its own, to confirm it is gone.
    expect(s.pool.calls.filter((call) => call === 'GetGroup')).toHaveLength(1);
  });

  it('never buries a group recorded by the other region, and changes nothing in a dry run', async () => {
    const s = scenario();
    const theirs = groupRecordFromCognito(
      { GroupName: 'made-during-failover' },
      { origin: OTHER_REGION, poolId: 'ap-northeast-1_B', now: s.clock.now() - 1000 },
    );
    s.table.put(groupRecordToItem({ ...theirs, version: 1 }));
    s.pool.addGroup('readers');

    const dry = await runReconcile(s.deps, { mode: 'backfill', dryRun: true, ...fast });
    expect(dry.groups).toMatchObject({ created: 1, removed: 0 });
    expect(await getGroupRecord(s.table.client, 'cognito-dr-users-test', 'readers')).toBeNull();

    const wet = await runReconcile(s.deps, { mode: 'backfill', ...fast });
    expect(wet.groups).toMatchObject({ created: 1, removed: 0 });
    const kept = await getGroupRecord(s.table.client, 'cognito-dr-users-test', 'made-during-failover');
    expect(kept).toMatchObject({ origin: OTHER_REGION, version: 1 });
    expect(kept).not.toHaveProperty('deleted');
  });

  it('runs once per run: a continuation from a checkpoint does not list the groups again', async () => {
    const s = scenario();
    s.pool.addUsers(200);
    s.pool.addGroup('readers');
    let pages = 0;

    const first = await runReconcile(s.deps, {
      mode: 'reconcile',
      partitions: 1,
      ...fast,
      shouldStop: () => ++pages > 1,
    });
    expect(first.complete).toBe(false);
    expect(first.groups?.created).toBe(1);
    const listings = s.pool.calls.filter((call) => call === 'ListGroups').length;

    const second = await runReconcile(s.deps, { mode: 'reconcile', partitions: 1, ...fast });
    expect(second.complete).toBe(true);
    expect(second.groups).toBeUndefined();
    // The engine still lists the groups' members; the group pass does not list them again.
    expect(s.pool.calls.filter((call) => call === 'ListGroups').length - listings).toBeLessThanOrEqual(1);
  });
});

describe("repair: the standby pool's groups from the table", () => {
  const setUp = () => {
    const backup = new PagingUserPool({ seed: 4 });
    const table = new ScannableTable();
    const clock = new FakeClock();
    const deps: RepairDeps = {
      cognito: backup.client,
      table: table.client,
      userPoolId: 'ap-northeast-1_BACKUP',
      tableName: 'cognito-dr-users-test',
      region: OTHER_REGION,
      clock,
      checkpoints: memoryCheckpointStore(),
      roles: async () => initialRoles(ORIGIN, OTHER_REGION),
      pools: { [ORIGIN]: POOL_ID, [OTHER_REGION]: 'ap-northeast-1_BACKUP' },
      breaker: null,
    };
    const record = (name: string, info: Parameters<typeof groupRecordFromCognito>[0] = {}) => {
      const stamp = { origin: ORIGIN, poolId: POOL_ID, now: clock.now() - 1000 };
      table.put(
        groupRecordToItem({ ...groupRecordFromCognito({ ...info, GroupName: name }, stamp), version: 1 }),
      );
    };
    const bury = async (name: string) => {
      const live = await getGroupRecord(table.client, deps.tableName, name);
      if (!live) throw new Error(`no record of ${name} to bury`);
      table.put(groupRecordToItem({ ...live, deleted: true, deletedAt: 1, expiresAt: 1 }));
    };
    return { backup, table, clock, deps, record, bury };
  };

  it('creates, updates and deletes groups to match their records, and leaves a group no record speaks for', async () => {
    const t = setUp();
    t.record('readers', { Description: 'May read', Precedence: 5, RoleArn: ROLE });
    t.record('writers', { Description: 'May write drafts' });
    t.backup.addGroup('writers', { Description: 'May write', RoleArn: ROLE });
    t.record('gone');
    await t.bury('gone');
    t.backup.addGroup('gone');
    t.backup.addGroup('dr-admins', { Description: 'Operators' });

    const result = await runRepair(t.deps, { budget: UNLIMITED });

    expect(result.groups).toMatchObject({ checked: 3, created: 1, updated: 1, removed: 1, failed: 0 });
    expect(t.backup.groupOf('readers')).toEqual({
      GroupName: 'readers',
      Description: 'May read',
      Precedence: 5,
      RoleArn: ROLE,
    });
    expect(t.backup.groupOf('writers')).toEqual({ GroupName: 'writers', Description: 'May write drafts' });
    expect(t.backup.groups.has('gone')).toBe(false);
    expect(t.backup.groupOf('dr-admins')).toEqual({ GroupName: 'dr-admins', Description: 'Operators' });
  });

  it('asks the deletion gate before deleting a group, and counts what it held', async () => {
    const t = setUp();
    t.record('gone');
    await t.bury('gone');
    t.backup.addGroup('gone');

    const result = await runRepair(
      { ...t.deps, groupDeletionGate: async () => 'hold' },
      { budget: UNLIMITED },
    );

    expect(result.groups).toMatchObject({ held: 1, removed: 0 });
    expect(t.backup.groups.has('gone')).toBe(true);
  });

  it('counts without changing anything in a dry run, and applies nothing while region roles say not to', async () => {
    const t = setUp();
    t.record('readers', { Description: 'May read' });

    expect((await runRepair(t.deps, { budget: UNLIMITED, dryRun: true })).groups).toMatchObject({
      created: 1,
    });
    expect(t.backup.groups.has('readers')).toBe(false);

    // A pool whose posture a switch could not set takes nothing.
    const unset = {
      ...t.deps,
      roles: async () => {
        const roles = initialRoles(ORIGIN, OTHER_REGION);
        return { ...roles, posture: { ...roles.posture, [OTHER_REGION]: 'unknown' as const } };
      },
    };
    expect((await runRepair(unset, { budget: UNLIMITED })).groups).toMatchObject({ checked: 0 });
    // A failover catching the pool up applies into it itself: the repair does not start.
    const paused = {
      ...t.deps,
      roles: async () => ({
        ...initialRoles(ORIGIN, OTHER_REGION),
        state: 'failing-over' as const,
        target: OTHER_REGION,
      }),
    };
    await expect(runRepair(paused, { budget: UNLIMITED })).rejects.toThrow(DirectionRefusedError);
    expect(t.backup.groups.has('readers')).toBe(false);
  });
});
