// Catch-up with group records in the table: groups are made what their records say before members join them.
import {
  groupRecordFromCognito,
  groupRecordToItem,
  RECORD_SCHEMA_VERSION,
  recordToItem,
} from '@cognito-dr/shared';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { catchUp, notYetReplicated } from './catch-up';

const PRIMARY = 'us-east-1';
const ROLE = 'arn:aws:iam::123456789012:role/readers';
const T0 = 1_700_000_000_000;

function setUp() {
  const table = new ScannableTable();
  const pool = new FakeUserPool();
  const putGroup = (name: string, info: { Description?: string; Precedence?: number; RoleArn?: string }) =>
    table.put(
      groupRecordToItem({
        ...groupRecordFromCognito({ GroupName: name, ...info }, { origin: PRIMARY, poolId: 'p', now: T0 }),
        version: 1,
      }),
    );
  table.put(
    recordToItem({
      username: 'alice',
      schemaVersion: RECORD_SCHEMA_VERSION,
      sub: 'sub-alice',
      attributes: {},
      enabled: true,
      status: 'CONFIRMED',
      groups: ['readers'],
      updatedAt: T0,
      version: 1,
      origin: PRIMARY,
      poolId: 'p',
    }),
  );
  return { table, pool, putGroup, users: { table: table.client, tableName: 'users' } };
}

describe('catchUp with group records', () => {
  it('creates, updates and deletes groups as their records say, and members join the group so described', async () => {
    const t = setUp();
    t.putGroup('readers', { Description: 'May read', Precedence: 2, RoleArn: ROLE });
    t.putGroup('writers', { Description: 'May write drafts' });
    t.pool.addGroup('writers', { Description: 'May write' });
    t.putGroup('retired', {});
    const retired = groupRecordFromCognito(
      { GroupName: 'retired' },
      { origin: PRIMARY, poolId: 'p', now: T0 },
    );
    t.table.put(groupRecordToItem({ ...retired, version: 2, deleted: true, deletedAt: T0, expiresAt: 1 }));
    t.pool.addGroup('retired');

    const result = await catchUp(
      t.users,
      { cognito: t.pool.client, userPoolId: 'backup' },
      { origins: [PRIMARY], since: 0, createMissing: true, now: () => T0 + 10, breaker: null },
    );

    expect(result).toMatchObject({ checked: 4, unreadable: 0, failed: {}, changed: ['alice'] });
    expect([...result.groupsChanged].sort()).toEqual(['readers', 'retired', 'writers']);
    expect(t.pool.groupOf('readers')).toEqual({
      GroupName: 'readers',
      Description: 'May read',
      Precedence: 2,
      RoleArn: ROLE,
    });
    expect(t.pool.groupOf('writers')).toEqual({ GroupName: 'writers', Description: 'May write drafts' });
    expect(t.pool.groups.has('retired')).toBe(false);
    expect(t.pool.groups.get('readers')).toEqual(new Set(['alice']));
  });

  it('counts a group record the other replica lacks as not yet replicated', async () => {
    const from = setUp();
    const to = setUp();
    from.putGroup('readers', { Description: 'May read' });

    expect(await notYetReplicated(from.users, to.users, PRIMARY, 0)).toBe(1);
    to.putGroup('readers', { Description: 'May read' });
    expect(await notYetReplicated(from.users, to.users, PRIMARY, 0)).toBe(0);
  });
});
