// Group records applied to the standby pool: created with their metadata, updated, deleted (through the deletion
// gate), gated by region roles, and a member joining before its group's record arrived.
import {
  type GroupRecord,
  getRecords,
  groupRecordToItem,
  initialRoles,
  type RegionRoles,
  recordToItem,
} from '@cognito-dr/shared';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import type { DynamoDBRecord } from 'aws-lambda';
import { applyGroupChange, convergeGroup, type GroupApplyDeps, type GroupChange } from './apply-group';
import { type ApplyDeps, applyRecordChange } from './apply-record';
import type { DeadLetterEntry } from './dead-letter';
import { processStreamBatch } from './process-stream-batch';
import {
  BACKUP_REGION,
  groupRecord,
  groupStreamRecord,
  PRIMARY_REGION,
  streamRecord,
  T0,
  userRecord,
} from './testing/stream-records';

const ROLE = 'arn:aws:iam::123456789012:role/readers';

function setup(roles: RegionRoles = initialRoles(PRIMARY_REGION, BACKUP_REGION)) {
  const pool = new FakeUserPool();
  const table = new FakeTable();
  // breaker: the members' records applied beside the groups delete nobody here.
  const deps: GroupApplyDeps & Pick<ApplyDeps, 'breaker'> = {
    cognito: pool.client,
    table: table.client,
    userPoolId: 'ap-northeast-1_backup',
    tableName: 'users',
    region: BACKUP_REGION,
    roles: async () => roles,
    now: () => T0 + 300,
    breaker: null,
  };
  const publish = (record: GroupRecord, eventName: GroupChange['eventName'] = 'MODIFY') => {
    table.put(groupRecordToItem(record));
    return applyGroupChange(deps, { groupName: record.groupName, eventName, newImage: record });
  };
  return { pool, table, deps, publish };
}

describe('applyGroupChange', () => {
  it('creates a group with its description, precedence and role, then follows an update and a deletion', async () => {
    const { pool, publish } = setup();

    expect(await publish(groupRecord(), 'INSERT')).toMatchObject({
      outcome: 'created',
      operations: ['createGroup'],
      version: 1,
      lagMs: 300,
    });
    expect(pool.groupOf('readers')).toEqual({
      GroupName: 'readers',
      Description: 'May read reports',
      Precedence: 5,
      RoleArn: ROLE,
    });

    const updated = groupRecord({ version: 2, description: 'May read every report', roleArn: undefined });
    expect(await publish(updated)).toMatchObject({ outcome: 'updated', operations: ['updateGroup'] });
    expect(pool.groupOf('readers')).toEqual({
      GroupName: 'readers',
      Description: 'May read every report',
      Precedence: 5,
    });

    expect(await publish(updated)).toMatchObject({ outcome: 'unchanged', operations: [] });

    const buried = groupRecord({ version: 3, deleted: true, deletedAt: T0, expiresAt: 1 });
    expect(await publish(buried)).toMatchObject({ outcome: 'deleted', operations: ['deleteGroup'] });
    expect(pool.groups.has('readers')).toBe(false);
    expect(await publish(buried)).toMatchObject({ outcome: 'unchanged' });
  });

  it('applies the newest record the table holds, not an older stream record', async () => {
    const { pool, table, deps } = setup();
    table.put(groupRecordToItem(groupRecord({ version: 4, precedence: 1 })));

    await applyGroupChange(deps, { groupName: 'readers', eventName: 'MODIFY', newImage: groupRecord() });

    expect(pool.groupOf('readers').Precedence).toBe(1);
  });

  it('leaves a group to the deletion gate: a held deletion keeps the group and its members', async () => {
    const { pool, table, deps } = setup();
    pool.addGroup('readers', { Description: 'May read reports' });
    pool.groups.get('readers')?.add('alice');
    const buried = groupRecord({ version: 2, deleted: true, deletedAt: T0, expiresAt: 1 });
    table.put(groupRecordToItem(buried));
    const asked: string[] = [];
    const gated = {
      ...deps,
      deletionGate: async (group: string) => {
        asked.push(group);
        return 'hold' as const;
      },
    };

    expect(
      await applyGroupChange(gated, { groupName: 'readers', eventName: 'MODIFY', newImage: buried }),
    ).toMatchObject({
      outcome: 'held',
    });
    expect(asked).toEqual(['readers']);
    expect(pool.groups.get('readers')).toEqual(new Set(['alice']));
  });

  it('follows region roles: nothing from a standby region, nothing into the active pool, own records skipped', async () => {
    const failedOver = {
      ...initialRoles(PRIMARY_REGION, BACKUP_REGION),
      active: BACKUP_REGION,
      posture: { [PRIMARY_REGION]: 'standby' as const, [BACKUP_REGION]: 'active' as const },
    };
    const { pool, publish } = setup(failedOver);
    expect(await publish(groupRecord())).toMatchObject({ outcome: 'skipped-this-region-active' });
    expect(await publish(groupRecord({ version: 2, origin: BACKUP_REGION }))).toMatchObject({
      outcome: 'skipped-own-origin',
    });
    expect(pool.calls).toEqual([]);
  });

  it('ignores the removal of an old tombstone by TTL', async () => {
    const { pool, deps } = setup();
    pool.addGroup('readers');
    expect(await applyGroupChange(deps, { groupName: 'readers', eventName: 'REMOVE' })).toEqual({
      outcome: 'skipped-remove',
    });
    expect(pool.groups.has('readers')).toBe(true);
  });
});

describe('convergeGroup', () => {
  it('updates a group created meanwhile (a member created it bare) instead of failing', async () => {
    const { pool, deps } = setup();
    let raced = false;
    pool.beforeSend = (command, input) => {
      if (command === 'CreateGroup' && !raced) {
        raced = true;
        pool.addGroup(input.GroupName);
      }
    };

    expect(await convergeGroup(deps, groupRecord())).toEqual({
      outcome: 'updated',
      operations: ['updateGroup'],
    });
    expect(pool.groupOf('readers')).toMatchObject({
      Description: 'May read reports',
      Precedence: 5,
      RoleArn: ROLE,
    });
  });
});

describe('a member joining a group the standby pool does not have yet', () => {
  const member = (groupName: string) =>
    userRecord({ username: 'alice', groups: [groupName], updatedAt: T0 + 10 });

  it("creates the group as its record describes it, when the group's record came first", async () => {
    const { pool, table, deps } = setup();
    table.put(groupRecordToItem(groupRecord()));
    const user = member('readers');
    table.put(recordToItem(user));

    const result = await applyRecordChange(
      { ...deps, createMissing: true, groupRecord: async () => groupRecord() },
      { username: 'alice', eventName: 'INSERT', newImage: user },
    );

    expect(result.outcome).toBe('created');
    expect(pool.groupOf('readers')).toMatchObject({
      Description: 'May read reports',
      Precedence: 5,
      RoleArn: ROLE,
    });
    expect(pool.groups.get('readers')).toEqual(new Set(['alice']));
  });

  it('creates it again, bare, when the member was read after the group was buried (recreated since)', async () => {
    const { pool, table, deps } = setup();
    const user = member('reborn');
    table.put(recordToItem(user));
    const buried = groupRecord({
      groupName: 'reborn',
      deleted: true,
      deletedAt: user.updatedAt - 5,
      expiresAt: 1,
    });

    await applyRecordChange(
      { ...deps, createMissing: true, groupRecord: async () => buried },
      { username: 'alice', eventName: 'INSERT', newImage: user },
    );

    expect(pool.groupOf('reborn')).toEqual({ GroupName: 'reborn' });
    expect(pool.groups.get('reborn')).toEqual(new Set(['alice']));
  });

  it('does not bring back a group its record says was deleted', async () => {
    const { pool, table, deps } = setup();
    const user = member('retired');
    table.put(recordToItem(user));
    const buried = groupRecord({
      groupName: 'retired',
      deleted: true,
      deletedAt: user.updatedAt + 5,
      expiresAt: 1,
    });

    await applyRecordChange(
      { ...deps, createMissing: true, groupRecord: async () => buried },
      { username: 'alice', eventName: 'INSERT', newImage: user },
    );

    expect(pool.users.has('alice')).toBe(true);
    expect(pool.groups.has('retired')).toBe(false);
    expect(pool.calls).not.toContain('CreateGroup');
  });

  it('creates it bare when the table knows nothing of it', async () => {
    const { pool, table, deps } = setup();
    const user = member('legacy');
    table.put(recordToItem(user));

    await applyRecordChange(
      { ...deps, createMissing: true, groupRecord: async () => null },
      { username: 'alice', eventName: 'INSERT', newImage: user },
    );

    expect(pool.groupOf('legacy')).toEqual({ GroupName: 'legacy' });
  });
});

describe('group records in a stream batch', () => {
  /** `slowGroups`: the group applier answers only after a few turns of the event loop (a slow table read). */
  const batch = (slowGroups = false) => {
    const { pool, table, deps } = setup();
    const parked: DeadLetterEntry[] = [];
    const readFor: string[][] = [];
    const warnings: Array<{ message: unknown; detail: unknown }> = [];
    const metrics: Array<{ name: string; value: number }> = [];
    const silent = {
      info: () => {},
      warn: (...args: unknown[]) => void warnings.push({ message: args[0], detail: args[1] }),
      error: () => {},
    };
    const run = (records: DynamoDBRecord[]) =>
      processStreamBatch(
        { Records: records },
        {
          apply: (change, known) => applyRecordChange({ ...deps, createMissing: true }, change, known),
          applyGroup: async (change) => {
            for (let turn = 0; slowGroups && turn < 5; turn++) await new Promise(setImmediate);
            return applyGroupChange(deps, change);
          },
          readRecords: async (usernames) => {
            readFor.push(usernames);
            return getRecords(table.client, 'users', usernames);
          },
          deadLetter: { park: async (entry) => void parked.push(entry) },
          logger: silent,
          metrics: {
            addMetric: (name: string, _unit: unknown, value: number) => void metrics.push({ name, value }),
          },
          now: () => T0 + 400,
        },
      );
    return { pool, table, parked, readFor, warnings, metrics, run };
  };

  it('go to the group applier, beside the users of the same batch, and are never read as users', async () => {
    const b = batch();
    const group = groupRecord();
    const user = userRecord({ username: 'alice', groups: ['readers'] });
    b.table.put(groupRecordToItem(group));
    b.table.put(recordToItem(user));

    const response = await b.run([groupStreamRecord(group, 1), streamRecord(user, 2)]);

    expect(response.batchItemFailures).toEqual([]);
    expect(b.pool.groupOf('readers')).toMatchObject({ Description: 'May read reports', RoleArn: ROLE });
    expect(b.pool.groups.get('readers')).toEqual(new Set(['alice']));
    expect(b.readFor).toEqual([['alice']]);
  });

  it('are applied before the users of the batch, even when a member comes first and the group is slow', async () => {
    const b = batch(true);
    const group = groupRecord();
    const names = ['alice', 'bob', 'carol'];
    // The members exist already, so joining the group is their first change: the quickest one there is.
    const before = names.map((username) => userRecord({ username }));
    for (const user of before) b.table.put(recordToItem(user));
    await b.run(before.map((user, index) => streamRecord(user, index + 1)));
    b.pool.calls.length = 0;
    const users = before.map((user) => ({ ...user, groups: ['readers'], version: 2, updatedAt: T0 + 10 }));
    b.table.put(groupRecordToItem(group));
    for (const user of users) b.table.put(recordToItem(user));

    const response = await b.run([
      ...users.map((user, index) => streamRecord(user, index + 11)),
      groupStreamRecord(group, 19),
    ]);

    expect(response.batchItemFailures).toEqual([]);
    const calls = b.pool.calls.filter((call) => /Group$/.test(call) && call !== 'AdminListGroupsForUser');
    expect(calls).toEqual([
      'GetGroup',
      'CreateGroup',
      'AdminAddUserToGroup',
      'AdminAddUserToGroup',
      'AdminAddUserToGroup',
    ]);
    expect(b.pool.groupOf('readers')).toMatchObject({ Description: 'May read reports', RoleArn: ROLE });
    expect(b.pool.groups.get('readers')).toEqual(new Set(['alice', 'bob', 'carol']));
  });

  it('count and log a group deleted from the standby pool by name, members and all', async () => {
    const b = batch();
    b.pool.addGroup('readers');
    b.pool.groups.get('readers')?.add('alice');
    const buried = groupRecord({ version: 2, deleted: true, deletedAt: T0, expiresAt: 1 });
    b.table.put(groupRecordToItem(buried));

    await b.run([groupStreamRecord(buried, 1)]);

    expect(b.pool.groups.has('readers')).toBe(false);
    expect(b.metrics).toContainEqual({ name: 'GroupsDeleted', value: 1 });
    expect(b.warnings).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ group: 'readers', version: 2 }) }),
    ]);
  });

  it('park a group image that is not a valid record, naming the field, without holding up the batch', async () => {
    const b = batch();
    const broken = groupStreamRecord(groupRecord(), 1);
    const image = broken.dynamodb?.NewImage as Record<string, { N?: string; S?: string }>;
    image.precedence = { S: 'first' };
    const user = userRecord({ username: 'bob' });
    b.table.put(recordToItem(user));

    const response = await b.run([broken, streamRecord(user, 2)]);

    expect(response.batchItemFailures).toEqual([]);
    expect(b.parked).toEqual([
      expect.objectContaining({ errorName: 'RecordFormatError', username: 'group readers' }),
    ]);
    expect(b.pool.users.has('bob')).toBe(true);
  });
});
