// restore --as-of against a fake active pool, today's table and the table as point-in-time recovery gives it back:
// a bad bulk update is undone (attributes, groups, enabled state), a user deleted since comes back linked to their
// old sub, and users created since or whose name someone else holds now are left alone. A time outside the recovery
// window changes nothing.
import { PRIMARY_REGION, userRecord } from '@cognito-dr/apply/src/testing/stream-records';
import { recordFromItem, recordToItem, SOURCE_SUB_ATTRIBUTE, type UserRecord } from '@cognito-dr/shared';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import type { RestoreDeps } from './restore';
import {
  compareAsOf,
  OutsideRecoveryWindowError,
  type PointInTimeRecovery,
  restoreAsOf,
} from './restore-as-of';

const T = Date.UTC(2026, 10, 20, 9, 0, 0);
const HOUR = 3_600_000;

const record = (username: string, overrides: Partial<UserRecord> = {}): UserRecord =>
  userRecord({ username, sub: `sub-of-${username}`, updatedAt: T - HOUR, version: 3, ...overrides });

function world() {
  const pool = new FakeUserPool();
  const today = new ScannableTable();
  const then = new ScannableTable();
  const restores: number[] = [];
  const dropped: string[] = [];
  const recovery: PointInTimeRecovery = {
    window: async () => ({ earliest: T - 35 * 24 * HOUR, latest: T + 2 * HOUR }),
    restore: async (time) => {
      restores.push(time);
      return {
        table: then.client,
        tableName: 'users-as-of',
        drop: async () => {
          dropped.push('users-as-of');
        },
      };
    },
  };
  let now = T + 3 * HOUR;
  const deps: RestoreDeps & { recovery: PointInTimeRecovery } = {
    pool: { cognito: pool.client, userPoolId: 'us-east-1_active' },
    users: { table: today.client, tableName: 'users' },
    region: PRIMARY_REGION,
    now: () => now++,
    recovery,
  };
  /** A user of the pool as `r` describes them (their own sub: born in this pool). */
  const inPool = (r: UserRecord) =>
    pool.addUser(
      {
        username: r.username,
        enabled: r.enabled,
        status: r.status,
        attributes: { ...r.attributes, sub: r.sub },
      },
      r.groups,
    );
  const recordOf = (username: string) => {
    const item = today.get(username);
    return item ? recordFromItem(item) : undefined;
  };
  return { pool, today, then, deps, restores, dropped, inPool, recordOf };
}

describe('compareAsOf', () => {
  const alice = record('alice', { groups: ['staff'] });
  it.each([
    ['the same user, unchanged', alice, { ...alice, version: 9 }, 'unchanged'],
    [
      'an attribute changed since',
      alice,
      { ...alice, attributes: { ...alice.attributes, name: 'x' } },
      'reverted',
    ],
    ['deleted since', alice, { ...alice, deleted: true }, 'restored'],
    ['absent now', alice, undefined, 'restored'],
    ['created since', undefined, alice, 'created-since'],
    ['a tombstone then', { ...alice, deleted: true }, alice, 'created-since'],
    ['someone else now', alice, { ...alice, sub: 'another-person' }, 'replaced-since'],
    ['nobody then or now', undefined, undefined, 'absent'],
  ] as const)('%s', (_case, then, now, outcome) => {
    expect(compareAsOf('alice', then, now).outcome).toBe(outcome);
  });

  it('names what differs, never a value', () => {
    const now = {
      ...alice,
      attributes: { ...alice.attributes, 'custom:tier': 'bronze', name: 'Alice' },
      groups: ['interns'],
      enabled: false,
    };
    expect(compareAsOf('alice', alice, now)).toEqual({
      username: 'alice',
      outcome: 'reverted',
      attributes: ['custom:tier', 'name'],
      groups: { add: ['staff'], remove: ['interns'] },
      enabled: true,
    });
  });
});

describe('restoreAsOf', () => {
  it('undoes a bulk update: attributes, groups and enabled state as they were, records and standby following', async () => {
    const w = world();
    w.pool.addGroup('staff');
    w.pool.addGroup('interns');
    const before = record('alice', { groups: ['staff'] });
    const after = record('alice', {
      attributes: { ...before.attributes, 'custom:tier': 'bronze' },
      groups: ['interns'],
      enabled: false,
      version: 4,
    });
    w.then.put(recordToItem(before));
    w.today.put(recordToItem(after));
    w.inPool(after);

    const report = await restoreAsOf(w.deps, { time: T });

    expect(w.restores).toEqual([T]);
    expect(report.changes).toEqual([
      expect.objectContaining({ username: 'alice', outcome: 'reverted', attributes: ['custom:tier'] }),
    ]);
    expect(w.pool.state('alice')).toMatchObject({
      enabled: true,
      groups: ['staff'],
      attributes: expect.objectContaining({ 'custom:tier': 'gold', sub: 'sub-of-alice' }),
    });
    // Born in this pool: put back in place, never linked to itself.
    expect(w.pool.state('alice')?.attributes[SOURCE_SUB_ATTRIBUTE]).toBeUndefined();
    expect(w.recordOf('alice')).toMatchObject({
      sub: 'sub-of-alice',
      groups: ['staff'],
      enabled: true,
      version: 5,
      attributes: expect.objectContaining({ 'custom:tier': 'gold' }),
    });
    expect(w.dropped).toEqual(['users-as-of']);
  });

  it('brings back a user deleted since under a new sub linked to the old one, and leaves newer users alone', async () => {
    const w = world();
    const carol = record('carol');
    w.then.put(recordToItem(carol));
    w.today.put(
      recordToItem({
        ...carol,
        deleted: true,
        deletedAt: T + HOUR,
        expiresAt: T / 1000 + 86_400,
        version: 4,
      }),
    );
    const bob = record('bob');
    w.today.put(recordToItem(bob));
    w.inPool(bob);
    const dave = record('dave');
    w.then.put(recordToItem(dave));
    const newDave = record('dave', { sub: 'sub-of-another-dave', attributes: { email: 'd2@example.com' } });
    w.today.put(recordToItem(newDave));
    w.inPool(newDave);

    const report = await restoreAsOf(w.deps, { time: T });

    expect(Object.fromEntries(report.changes.map((c) => [c.username, c.outcome]))).toEqual({
      bob: 'created-since',
      carol: 'restored',
      dave: 'replaced-since',
    });
    expect(w.pool.state('carol')?.attributes).toMatchObject({ [SOURCE_SUB_ATTRIBUTE]: 'sub-of-carol' });
    expect(w.recordOf('carol')?.deleted).toBeUndefined();
    expect(w.pool.state('bob')).not.toBeNull();
    expect(w.pool.state('dave')?.attributes).toMatchObject({
      email: 'd2@example.com',
      sub: 'sub-of-another-dave',
    });
    expect(w.recordOf('dave')?.sub).toBe('sub-of-another-dave');
  });

  it('leaves a name alone that a new sign-up holds in the pool before the table knows of them', async () => {
    const w = world();
    const old = record('frank');
    w.then.put(recordToItem(old));
    w.today.put(
      recordToItem({ ...old, deleted: true, deletedAt: T + HOUR, expiresAt: T / 1000 + 86_400, version: 4 }),
    );
    w.inPool(record('frank', { sub: 'sub-of-a-new-frank', attributes: { email: 'f2@example.com' } }));

    const report = await restoreAsOf(w.deps, { time: T });

    expect(report.changes).toEqual([
      expect.objectContaining({ username: 'frank', outcome: 'replaced-since' }),
    ]);
    expect(w.pool.state('frank')?.attributes).toEqual({ email: 'f2@example.com', sub: 'sub-of-a-new-frank' });
    expect(w.recordOf('frank')?.deleted).toBe(true);
  });

  it('names the users with --user, and with --dry-run shows the differences and changes nothing', async () => {
    const w = world();
    const before = record('alice');
    const after = record('alice', { enabled: false, version: 4 });
    w.then.put(recordToItem(before));
    w.then.put(recordToItem(record('erin')));
    w.today.put(recordToItem(after));
    w.inPool(after);
    const calls = w.pool.calls.length;

    const report = await restoreAsOf(w.deps, { time: T, users: ['alice'], dryRun: true });

    expect(report.changes).toEqual([
      expect.objectContaining({ username: 'alice', outcome: 'reverted', enabled: true }),
    ]);
    expect(w.pool.calls.length).toBe(calls);
    expect(w.recordOf('alice')?.version).toBe(4);
    expect(w.dropped).toEqual(['users-as-of']);
  });

  it('refuses a time outside the recovery window with the window, before restoring anything', async () => {
    const w = world();
    await expect(restoreAsOf(w.deps, { time: T - 40 * 24 * HOUR })).rejects.toThrow(
      OutsideRecoveryWindowError,
    );
    await expect(restoreAsOf(w.deps, { time: T - 40 * 24 * HOUR })).rejects.toThrow(
      /outside the point-in-time recovery window of users in us-east-1: 2026-10-16T09:00:00.000Z to 2026-11-20T11:00:00.000Z/,
    );
    expect(w.restores).toEqual([]);
  });

  it('deletes the restored table also when putting users back fails, and reports who failed', async () => {
    const w = world();
    w.then.put(recordToItem(record('alice')));
    w.pool.failNext('AdminCreateUser', Object.assign(new Error('boom'), { name: 'InternalErrorException' }));

    const report = await restoreAsOf(w.deps, { time: T });

    expect(report.failed).toEqual({ InternalErrorException: ['alice'] });
    expect(w.dropped).toEqual(['users-as-of']);
  });
});
