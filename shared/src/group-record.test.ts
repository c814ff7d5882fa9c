// Group records: keys no username can take, the mapper both ways, and the store's newest-read-wins writes.
import { marshall } from '@aws-sdk/util-dynamodb';
import { RecordFormatError } from './errors';
import {
  GROUPS_INDEX_VALUE,
  type GroupRecord,
  groupKey,
  groupRecordFromCognito,
  groupRecordFromImage,
  groupRecordFromItem,
  groupRecordToItem,
  isGroupItem,
  isGroupKey,
  sameGroup,
} from './group-record';
import { recordToItem } from './record-mapper';
import {
  getGroupRecord,
  getGroupRecords,
  getRecords,
  listGroupRecords,
  storeGroupSnapshot,
  storeGroupTombstone,
} from './record-store';
import { FakeTable } from './testing/fake-table';
import { RECORD_SCHEMA_VERSION, TOMBSTONE_RETENTION_DAYS, USERNAME_LOWER_ATTRIBUTE } from './user-record';

const STAMP = { origin: 'us-east-1', poolId: 'us-east-1_P', now: 1_000 };
const userItem = (username: string) =>
  recordToItem({
    username,
    schemaVersion: RECORD_SCHEMA_VERSION,
    sub: `sub-${username}`,
    attributes: {},
    enabled: true,
    status: 'CONFIRMED',
    groups: ['readers'],
    updatedAt: 1,
    version: 1,
    origin: 'us-east-1',
  });
const ROLE = 'arn:aws:iam::123456789012:role/readers';
const readers = (overrides: Partial<GroupRecord> = {}): GroupRecord => ({
  ...groupRecordFromCognito(
    { GroupName: 'readers', Description: 'Can read', Precedence: 3, RoleArn: ROLE },
    STAMP,
  ),
  version: 1,
  ...overrides,
});

describe('group keys', () => {
  it('cannot be a username: they hold a space, which Cognito usernames cannot', () => {
    expect(groupKey('readers')).toBe('group readers');
    expect(isGroupKey(groupKey('readers'))).toBe(true);
    for (const username of ['group', 'group-readers', 'groupreaders', 'Group_readers']) {
      expect(isGroupKey(username)).toBe(false);
    }
    expect(GROUPS_INDEX_VALUE).toMatch(/\s/);
  });
});

describe('the group mapper', () => {
  it('maps a Cognito group, leaving out what it does not have', () => {
    expect(readers()).toEqual({
      groupName: 'readers',
      schemaVersion: RECORD_SCHEMA_VERSION,
      description: 'Can read',
      precedence: 3,
      roleArn: ROLE,
      updatedAt: 1_000,
      version: 1,
      origin: 'us-east-1',
      poolId: 'us-east-1_P',
    });
    const bare = groupRecordFromCognito({ GroupName: 'bare', Description: '' }, STAMP);
    expect(Object.keys(bare)).not.toEqual(expect.arrayContaining(['description']));
    expect(bare).not.toHaveProperty('precedence');
    expect(bare).not.toHaveProperty('roleArn');
    expect(groupRecordFromCognito({ GroupName: 'first', Precedence: 0 }, STAMP).precedence).toBe(0);
  });

  it('writes an item the users index lists under one value, and reads it back from an item or a stream image', () => {
    const item = groupRecordToItem(readers());
    expect(item).toMatchObject({
      username: 'group readers',
      kind: 'group',
      [USERNAME_LOWER_ATTRIBUTE]: GROUPS_INDEX_VALUE,
    });
    expect(isGroupItem(item)).toBe(true);
    expect(isGroupItem(userItem('ada'))).toBe(false);
    expect(groupRecordFromItem(item)).toEqual(readers());
    expect(groupRecordFromImage(marshall(item))).toEqual(readers());
  });

  it.each([
    ['kind', { kind: 'user' }],
    ['username', { username: 'group writers' }],
    ['precedence', { precedence: -1 }],
    ['roleArn', { roleArn: '' }],
    ['poolId', { poolId: undefined }],
    ['deleted', { deleted: true }],
    ['schemaVersion', { schemaVersion: RECORD_SCHEMA_VERSION + 1 }],
  ])('names the malformed field %s', (field, patch) => {
    const item: Record<string, unknown> = { ...groupRecordToItem(readers()), ...patch };
    for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
    expect(() => groupRecordFromItem(item)).toThrow(RecordFormatError);
    try {
      groupRecordFromItem(item);
    } catch (error) {
      expect(error).toMatchObject({ field });
    }
  });

  it('compares what a group is, not who wrote it when', () => {
    const a = readers();
    const rewritten: GroupRecord = { ...a, version: 7, updatedAt: 9, origin: 'ap-northeast-1', poolId: 'x' };
    expect(sameGroup(a, rewritten)).toBe(true);
    expect(sameGroup(a, { ...a, description: 'Can read more' })).toBe(false);
    expect(sameGroup(a, { ...a, precedence: undefined })).toBe(false);
    expect(sameGroup(a, { ...a, roleArn: undefined })).toBe(false);
    expect(sameGroup(a, { ...a, deleted: true })).toBe(false);
  });
});

describe('the group store', () => {
  const TABLE = 'users';

  it('writes a first snapshot, skips the same group read again, and lets a newer read win', async () => {
    const table = new FakeTable();
    expect(await storeGroupSnapshot(table.client, TABLE, readers({ version: 0 }))).toMatchObject({
      result: 'written',
      version: 1,
    });
    expect(
      (await storeGroupSnapshot(table.client, TABLE, readers({ version: 0, updatedAt: 2_000 }))).result,
    ).toBe('unchanged');
    const changed = readers({ version: 0, updatedAt: 3_000, precedence: 1 });
    expect(await storeGroupSnapshot(table.client, TABLE, changed)).toMatchObject({
      result: 'written',
      version: 2,
    });
    expect(
      (await storeGroupSnapshot(table.client, TABLE, readers({ version: 0, updatedAt: 2_500 }))).result,
    ).toBe('stale');
    expect((await getGroupRecord(table.client, TABLE, 'readers'))?.precedence).toBe(1);
  });

  it('buries a deleted group, keeping what it was, for 35 days', async () => {
    const table = new FakeTable();
    await storeGroupSnapshot(table.client, TABLE, readers({ version: 0 }));
    const stamp = { origin: 'ap-northeast-1', poolId: 'ap-northeast-1_B', now: 5_000 };

    expect((await storeGroupTombstone(table.client, TABLE, 'readers', stamp)).result).toBe('tombstoned');
    expect(await getGroupRecord(table.client, TABLE, 'readers')).toMatchObject({
      deleted: true,
      deletedAt: 5_000,
      description: 'Can read',
      poolId: 'ap-northeast-1_B',
      expiresAt: 5 + TOMBSTONE_RETENTION_DAYS * 86_400,
    });
    expect((await storeGroupTombstone(table.client, TABLE, 'readers', { ...stamp, now: 6_000 })).result).toBe(
      'absent',
    );
    expect((await storeGroupTombstone(table.client, TABLE, 'never', stamp)).result).toBe('absent');
  });

  it('lists every group record through the index, and user readers never take one for a user', async () => {
    const table = new FakeTable();
    await storeGroupSnapshot(table.client, TABLE, readers({ version: 0 }));
    await storeGroupSnapshot(table.client, TABLE, readers({ version: 0, groupName: 'writers' }));
    await storeGroupTombstone(table.client, TABLE, 'writers', { ...STAMP, now: 2_000 });
    table.put({ ...groupRecordToItem(readers({ groupName: 'broken' })), version: 'x' });
    table.put(userItem('ada'));

    const { records, unreadable } = await listGroupRecords(table.client, TABLE);

    expect([...records.keys()].sort()).toEqual(['readers', 'writers']);
    expect(records.get('writers')?.deleted).toBe(true);
    expect(unreadable).toBe(1);
    expect([...(await getGroupRecords(table.client, TABLE, ['readers', 'nobody'])).entries()]).toEqual([
      ['readers', readers()],
      ['nobody', null],
    ]);
    expect((await getRecords(table.client, TABLE, ['group readers'])).has('group readers')).toBe(false);
  });
});
