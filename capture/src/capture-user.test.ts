import {
  ConcurrentWriteError,
  getRecord,
  readPoolUser,
  recordToItem,
  type UserRecord,
} from '@cognito-dr/shared';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { captureUser } from './capture-user';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const TABLE = 'users';

function setup(now = T0) {
  const pool = new FakeUserPool();
  const table = new FakeTable();
  pool.addUser(
    {
      username: 'ada',
      attributes: { email: 'ada@example.com', email_verified: 'true', 'custom:tier': 'gold' },
      enabled: true,
      status: 'CONFIRMED',
    },
    ['staff', 'admins', 'ops'],
  );
  let clock = now;
  const deps = {
    cognito: pool.client,
    table: table.client,
    userPoolId: 'eu-west-1_primary',
    tableName: TABLE,
    origin: 'eu-west-1',
    now: () => clock,
  };
  return { pool, table, deps, tick: (ms = 1000) => (clock += ms) };
}

const stored = async (table: FakeTable) => getRecord(table.client, TABLE, 'ada');

describe('captureUser', () => {
  it('writes the first snapshot as version 1, with every group across pages', async () => {
    const { table, deps } = setup();
    const result = await captureUser(deps, 'ada');
    expect(result).toMatchObject({ result: 'written', version: 1 });
    expect(await stored(table)).toEqual({
      username: 'ada',
      schemaVersion: 1,
      sub: 'sub-1',
      attributes: { email: 'ada@example.com', email_verified: 'true', 'custom:tier': 'gold' },
      enabled: true,
      status: 'CONFIRMED',
      groups: ['admins', 'ops', 'staff'],
      updatedAt: T0,
      version: 1,
      origin: 'eu-west-1',
    });
  });

  it('bumps the version when the user changed', async () => {
    const { pool, table, deps, tick } = setup();
    await captureUser(deps, 'ada');
    tick();
    (pool.users.get('ada') as { enabled: boolean }).enabled = false;
    expect(await captureUser(deps, 'ada')).toMatchObject({ result: 'written', version: 2 });
    expect(await stored(table)).toMatchObject({ enabled: false, version: 2, updatedAt: T0 + 1000 });
  });

  it('does not write an unchanged user, so the stream stays quiet', async () => {
    const { table, deps, tick } = setup();
    await captureUser(deps, 'ada');
    tick();
    const puts = table.calls.filter((c) => c === 'PutCommand').length;
    expect(await captureUser(deps, 'ada')).toMatchObject({ result: 'unchanged', version: 1 });
    expect(table.calls.filter((c) => c === 'PutCommand').length).toBe(puts);
    expect(await stored(table)).toMatchObject({ version: 1, updatedAt: T0 });
  });

  it('leaves a snapshot read later than this one alone', async () => {
    const { table, deps } = setup();
    const newer = { ...(await snapshotAt(T0 + 5000)), attributes: { email: 'newer@example.com' } };
    table.put(recordToItem(newer));
    expect(await captureUser(deps, 'ada')).toMatchObject({ result: 'stale', version: 4 });
    expect(await stored(table)).toEqual(newer);
  });

  it('turns a user the pool no longer has into a tombstone that keeps the last snapshot', async () => {
    const { pool, table, deps, tick } = setup();
    await captureUser(deps, 'ada');
    pool.users.delete('ada');
    tick();
    expect(await captureUser(deps, 'ada')).toMatchObject({ result: 'tombstoned', version: 2 });
    expect(await stored(table)).toMatchObject({
      deleted: true,
      deletedAt: T0 + 1000,
      version: 2,
      attributes: { email: 'ada@example.com', email_verified: 'true', 'custom:tier': 'gold' },
      groups: ['admins', 'ops', 'staff'],
    });
  });

  it('reports absent for a missing user with no record, or one already buried', async () => {
    const { pool, table, deps, tick } = setup();
    pool.users.delete('ada');
    expect(await captureUser(deps, 'ada')).toEqual({ result: 'absent' });
    expect(table.items.size).toBe(0);

    table.put(
      recordToItem({ ...(await snapshotAt(T0 - 10)), deleted: true, deletedAt: T0 - 10, expiresAt: 1 }),
    );
    tick();
    expect(await captureUser(deps, 'ada')).toEqual({ result: 'absent' });
    expect(table.calls).not.toContain('PutCommand');
  });

  describe('a deleted user named in another casing than its record (pools ignore case, the table key does not)', () => {
    const mixedCase = async () => {
      const t = setup();
      t.pool.addUser({ username: 'Ada.Lovelace', enabled: true, status: 'CONFIRMED' });
      await captureUser(t.deps, 'Ada.Lovelace');
      t.pool.users.delete('Ada.Lovelace');
      t.tick();
      return t;
    };

    it('tombstones the record under the spelling the pool reported, and writes nothing under the asked one', async () => {
      const { table, deps } = await mixedCase();

      expect(await captureUser(deps, 'ADA.LOVELACE')).toMatchObject({ result: 'tombstoned', version: 2 });

      expect(await getRecord(table.client, TABLE, 'Ada.Lovelace')).toMatchObject({
        deleted: true,
        deletedAt: T0 + 1000,
        version: 2,
      });
      expect(table.items.has('ADA.LOVELACE')).toBe(false);
    });

    it('looks the other casings up only when the asked spelling holds no record', async () => {
      const { table, deps } = await mixedCase();
      await captureUser(deps, 'Ada.Lovelace');
      expect(table.calls).not.toContain('QueryCommand');

      expect(await captureUser(deps, 'ada.lovelace')).toEqual({ result: 'absent' });
      expect(table.calls.filter((c) => c === 'QueryCommand')).toHaveLength(1);
    });

    it('leaves a record written after the read alone: that user came back', async () => {
      const { table, deps } = await mixedCase();
      const item = table.get('Ada.Lovelace') as Record<string, unknown>;
      table.put({ ...item, updatedAt: T0 + 5000, version: 7 });

      expect(await captureUser(deps, 'ADA.LOVELACE')).toMatchObject({ result: 'stale', version: 7 });
      expect(await getRecord(table.client, TABLE, 'Ada.Lovelace')).toMatchObject({ version: 7 });
      expect(await getRecord(table.client, TABLE, 'Ada.Lovelace')).not.toHaveProperty('deleted');
    });

    it('buries every live casing, and reports the burial even when the asked spelling was already buried', async () => {
      const { table, deps } = await mixedCase();
      const live = table.get('Ada.Lovelace') as Record<string, unknown>;
      // An earlier user of the name in this exact casing, buried long ago.
      table.put({
        ...recordToItem({ ...(await snapshotAt(T0 - 10)), username: 'ADA.LOVELACE' }),
        deleted: true,
        deletedAt: T0 - 10,
        expiresAt: 1,
      });
      table.put({ ...live, username: 'ada.lovelace' });

      expect(await captureUser(deps, 'ADA.LOVELACE')).toMatchObject({ result: 'tombstoned' });
      expect(await getRecord(table.client, TABLE, 'Ada.Lovelace')).toMatchObject({ deleted: true });
      expect(await getRecord(table.client, TABLE, 'ada.lovelace')).toMatchObject({ deleted: true });
      expect(await getRecord(table.client, TABLE, 'ADA.LOVELACE')).toMatchObject({ deletedAt: T0 - 10 });
    });
  });

  it('re-reads and retries when another writer got in between read and write', async () => {
    const { table, deps } = setup();
    table.put(recordToItem(await snapshotAt(T0 - 5000)));
    let interfered = false;
    table.beforePut = () => {
      if (interfered) return;
      interfered = true;
      // Someone else stores version 5, read earlier than us.
      const item = table.get('ada') as Record<string, unknown>;
      table.put({ ...item, version: 5, updatedAt: T0 - 100, attributes: { email: 'other@example.com' } });
    };
    expect(await captureUser(deps, 'ada')).toMatchObject({ result: 'written', version: 6 });
    expect(table.calls.filter((c) => c === 'GetCommand')).toHaveLength(2);
    expect(await stored(table)).toMatchObject({ version: 6, attributes: { email: 'ada@example.com' } });
  });

  it('gives up after a bounded number of lost races', async () => {
    const { table, deps } = setup();
    table.put(recordToItem(await snapshotAt(T0 - 5000)));
    table.beforePut = () => {
      const item = table.get('ada') as Record<string, unknown>;
      table.put({ ...item, version: (item.version as number) + 1, attributes: {} });
    };
    await expect(captureUser(deps, 'ada')).rejects.toBeInstanceOf(ConcurrentWriteError);
  });

  describe('two concurrent captures', () => {
    async function race(olderWritesFirst: boolean) {
      const { pool, table, deps } = setup();
      const user = pool.users.get('ada') as { attributes: Record<string, string> };
      let release: () => void = () => {};
      let paused: () => void = () => {};
      const olderPaused = new Promise<void>((resolve) => {
        paused = resolve;
      });
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      if (!olderWritesFirst) {
        // Hold the older capture's first write until the newer one has finished.
        let first = true;
        table.beforePut = async () => {
          if (!first) return;
          first = false;
          paused();
          await gate;
        };
      }
      const older = captureUser({ ...deps, now: () => T0 }, 'ada');
      if (olderWritesFirst) await older;
      else await olderPaused;
      user.attributes['custom:tier'] = 'platinum';
      const newer = await captureUser({ ...deps, now: () => T0 + 1 }, 'ada');
      release();
      return { older: await older, newer, final: await stored(table) };
    }

    it('the later read wins when the earlier one writes first', async () => {
      const { older, newer, final } = await race(true);
      expect(older).toMatchObject({ result: 'written', version: 1 });
      expect(newer).toMatchObject({ result: 'written', version: 2 });
      expect(final).toMatchObject({
        version: 2,
        updatedAt: T0 + 1,
        attributes: { 'custom:tier': 'platinum' },
      });
    });

    it('the later read wins when the earlier one writes last', async () => {
      const { older, newer, final } = await race(false);
      expect(newer).toMatchObject({ result: 'written', version: 1 });
      expect(older).toMatchObject({ result: 'stale', version: 1 });
      expect(final).toMatchObject({
        version: 1,
        updatedAt: T0 + 1,
        attributes: { 'custom:tier': 'platinum' },
      });
    });
  });
});

describe('readPoolUser', () => {
  it('returns null for a user the pool does not have', async () => {
    const { pool } = setup();
    expect(await readPoolUser(pool.client, 'pool', 'nobody')).toBeNull();
  });

  it('returns the user and all its groups, sorted', async () => {
    const { pool } = setup();
    const found = await readPoolUser(pool.client, 'pool', 'ada');
    expect(found?.groups).toEqual(['admins', 'ops', 'staff']);
    expect(pool.calls.filter((c) => c === 'AdminListGroupsForUser')).toHaveLength(2);
  });
});

async function snapshotAt(updatedAt: number): Promise<UserRecord> {
  return {
    username: 'ada',
    schemaVersion: 1,
    sub: 'sub-1',
    attributes: { email: 'ada@example.com' },
    enabled: true,
    status: 'CONFIRMED',
    groups: [],
    updatedAt,
    version: 4,
    origin: 'eu-central-1',
  };
}
