// Restore against a fake active pool and a fake table: a deleted user comes back from their tombstone as they were,
// linked to their old sub, and their record is live again; a second run changes nothing.

import { PRIMARY_REGION, userRecord } from '@cognito-dr/apply/src/testing/stream-records';
import {
  groupRecordFromCognito,
  groupRecordToItem,
  recordFromItem,
  recordToItem,
  SOURCE_SUB_ATTRIBUTE,
  type UserRecord,
} from '@cognito-dr/shared';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { type RestoreDeps, restoreUsers } from './restore';

const REGION = PRIMARY_REGION;
const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const HOUR = 3_600_000;

const tombstone = (username: string, overrides: Partial<UserRecord> = {}): UserRecord =>
  userRecord({
    username,
    sub: `home-sub-of-${username}`,
    updatedAt: T0,
    version: 4,
    deleted: true,
    deletedAt: T0,
    expiresAt: Math.floor(T0 / 1000) + 35 * 86_400,
    ...overrides,
  });

function world() {
  const pool = new FakeUserPool();
  const table = new ScannableTable();
  const noted: [string, string][] = [];
  let now = T0 + HOUR;
  const deps: RestoreDeps = {
    pool: { cognito: pool.client, userPoolId: 'us-east-1_active' },
    users: { table: table.client, tableName: 'users' },
    region: REGION,
    now: () => now++,
    notePoolSub: async (sub, username) => {
      noted.push([sub, username]);
    },
  };
  const recordOf = (username: string) => {
    const item = table.get(username);
    return item ? recordFromItem(item) : undefined;
  };
  const writes = () =>
    pool.calls.filter((call) => !['AdminGetUser', 'AdminListGroupsForUser'].includes(call)).length;
  return { pool, table, deps, noted, recordOf, writes };
}

describe('restoreUsers', () => {
  it('re-creates a deleted user as the tombstone last saw them, linked to their old sub, and makes the record live', async () => {
    const w = world();
    w.pool.addGroup('staff');
    w.table.put(recordToItem(tombstone('alice', { groups: ['staff'], enabled: false })));

    const report = await restoreUsers(w.deps, { users: ['alice'] });

    expect(report).toMatchObject({ restored: ['alice'], failed: {}, complete: true });
    const user = w.pool.users.get('alice');
    expect(user).toMatchObject({
      status: 'CONFIRMED',
      enabled: false,
      attributes: {
        email: 'alice@example.com',
        email_verified: 'true',
        'custom:tier': 'gold',
        [SOURCE_SUB_ATTRIBUTE]: 'home-sub-of-alice',
      },
    });
    expect(user?.attributes.sub).not.toBe('home-sub-of-alice');
    expect(w.pool.state('alice')?.groups).toEqual(['staff']);
    // No invitation: the user is created silently, and nobody knows the password (they use "forgot password").
    expect(w.pool.createInputs[0]?.MessageAction).toBe('SUPPRESS');
    expect(w.recordOf('alice')).toMatchObject({
      sub: 'home-sub-of-alice',
      version: 5,
      origin: REGION,
      enabled: false,
      groups: ['staff'],
    });
    expect(w.recordOf('alice')?.deleted).toBeUndefined();
    expect(w.noted).toEqual([[user?.attributes.sub, 'alice']]);
  });

  it('restores every tombstone written since a time, found in the table, and nobody else', async () => {
    const w = world();
    w.table.put(recordToItem(tombstone('old', { deletedAt: T0 - HOUR })));
    w.table.put(recordToItem(tombstone('recent-1', { deletedAt: T0 })));
    w.table.put(recordToItem(tombstone('recent-2', { deletedAt: T0 + 10 })));
    const { deleted: _d, deletedAt: _a, expiresAt: _e, ...live } = tombstone('alive');
    w.table.put(recordToItem(live));
    // A group deleted meanwhile: its tombstone is no user's, and restores nobody.
    const group = groupRecordFromCognito({ GroupName: 'retired' }, { origin: REGION, poolId: 'p', now: T0 });
    w.table.put(groupRecordToItem({ ...group, version: 2, deleted: true, deletedAt: T0 + 5, expiresAt: 1 }));

    const report = await restoreUsers(w.deps, { deletedSince: T0 });

    expect([...report.restored].sort()).toEqual(['recent-1', 'recent-2']);
    expect([...w.pool.users.keys()].sort()).toEqual(['recent-1', 'recent-2']);
    expect(w.pool.calls).not.toContain('ListUsers');
    expect(w.recordOf('old')?.deleted).toBe(true);
  });

  it('changes nothing when run again', async () => {
    const w = world();
    for (const name of ['a', 'b', 'c']) w.table.put(recordToItem(tombstone(name)));
    await restoreUsers(w.deps, { deletedSince: T0 });
    const writes = w.writes();

    const since = await restoreUsers(w.deps, { deletedSince: T0 });
    const named = await restoreUsers(w.deps, { users: ['a', 'b', 'c'] });

    expect(since.restored).toEqual([]);
    expect(named.skipped['not-a-tombstone']).toEqual(['a', 'b', 'c']);
    expect(w.writes()).toBe(writes);
  });

  it('finishes a user an interrupted run created but did not capture', async () => {
    const w = world();
    w.table.put(recordToItem(tombstone('half', { groups: ['staff'] })));
    w.pool.addGroup('staff');
    w.pool.addUser({
      username: 'half',
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      attributes: { email: 'half@example.com', [SOURCE_SUB_ATTRIBUTE]: 'home-sub-of-half' },
    });

    const report = await restoreUsers(w.deps, { users: ['half'] });

    expect(report.restored).toEqual(['half']);
    expect(w.pool.calls).not.toContain('AdminCreateUser');
    expect(w.pool.state('half')).toMatchObject({ status: 'CONFIRMED', groups: ['staff'] });
    expect(w.recordOf('half')?.deleted).toBeUndefined();
  });

  it('leaves alone a username someone else holds now, a tombstone TTL removed and a live record', async () => {
    const w = world();
    w.table.put(recordToItem(tombstone('taken')));
    w.pool.addUser({
      username: 'taken',
      enabled: true,
      status: 'CONFIRMED',
      attributes: { sub: 'newcomer' },
    });
    const { deleted: _d, deletedAt: _a, expiresAt: _e, ...live } = tombstone('alive');
    w.table.put(recordToItem(live));

    const report = await restoreUsers(w.deps, { users: ['taken', 'expired', 'alive'] });

    expect(report).toMatchObject({
      restored: [],
      skipped: { 'exists-again': ['taken'], 'tombstone-gone': ['expired'], 'not-a-tombstone': ['alive'] },
    });
    expect(w.pool.users.get('taken')?.attributes.sub).toBe('newcomer');
    expect(w.recordOf('taken')?.deleted).toBe(true);
    expect(w.writes()).toBe(0);
  });

  it('only counts on a dry run', async () => {
    const w = world();
    w.table.put(recordToItem(tombstone('alice')));

    const report = await restoreUsers(w.deps, { users: ['alice'], dryRun: true });

    expect(report.restored).toEqual(['alice']);
    expect(w.pool.users.size).toBe(0);
    expect(w.recordOf('alice')?.deleted).toBe(true);
  });

  it('reports a user it could not restore by error name, and restores the others', async () => {
    const w = world();
    for (const name of ['a', 'b']) w.table.put(recordToItem(tombstone(name)));
    w.pool.failNext(
      'AdminCreateUser',
      Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }),
    );

    const report = await restoreUsers(w.deps, { users: ['a', 'b'], concurrency: 1 });

    expect(report).toMatchObject({ restored: ['b'], failed: { TooManyRequestsException: ['a'] } });
    expect(w.recordOf('a')?.deleted).toBe(true);
  });

  it('stops starting users once asked to, and says it did not finish', async () => {
    const w = world();
    for (const name of ['a', 'b', 'c']) w.table.put(recordToItem(tombstone(name)));
    let started = 0;

    const report = await restoreUsers(w.deps, {
      users: ['a', 'b', 'c'],
      concurrency: 1,
      shouldStop: () => ++started > 1,
    });

    expect(report).toMatchObject({ restored: ['a'], complete: false });
  });
});
