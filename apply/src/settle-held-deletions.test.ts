// What `cognito-dr deletes` does with held deletions: release deletes the users whose record is still a tombstone and
// keeps the restored ones, discard keeps them without the breaker asking again, and either re-arms the breaker.
import { recordToItem } from '@cognito-dr/shared';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { deletionBreaker } from './deletion-breaker';
import { listHolds } from './held-deletions';
import { settleHolds } from './settle-held-deletions';
import { T0, userRecord } from './testing/stream-records';

const MINUTE = 60_000;

/** Five users whose tombstones the breaker (minimum 1) held after letting the first deletion through. */
async function heldDeletions() {
  const pool = new FakeUserPool();
  const users = new FakeTable();
  const stateTable = new FakeStateTable();
  const state = { table: stateTable.client, tableName: 'state' };
  let now = T0;
  const breaker = deletionBreaker({
    state,
    pool: { cognito: pool.client, userPoolId: 'pool' },
    settings: { minimum: 1, percent: 1, windowMinutes: 5 },
    now: () => now,
  });
  const names = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
  for (const username of names) {
    pool.addUser({ username, enabled: true, status: 'CONFIRMED' });
    users.put(
      recordToItem(
        userRecord({ username, version: 3, deleted: true, deletedAt: T0, expiresAt: 1_800_000_000 }),
      ),
    );
  }
  const admitted = await Promise.all(names.map((username) => breaker.admit(username, 3)));
  expect(admitted.filter(Boolean)).toHaveLength(1);
  const region = {
    state,
    users: { table: users.client, tableName: 'users' },
    pool: { cognito: pool.client, userPoolId: 'pool' },
    now: () => now,
  };
  return {
    pool,
    users,
    stateTable,
    state,
    breaker,
    region,
    held: names.slice(1),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('settleHolds', () => {
  it('release: deletes the users still tombstoned, keeps a restored one, and re-arms the breaker', async () => {
    const t = await heldDeletions();
    t.users.put(recordToItem(userRecord({ username: 'u1', version: 4 })));

    const settled = await settleHolds(t.region, 'release');

    expect(settled).toMatchObject({ live: ['u1'], notHeld: [], failed: {}, rearmed: true });
    expect([...settled.deleted].sort()).toEqual(['u2', 'u3', 'u4', 'u5']);
    expect([...t.pool.users.keys()].sort()).toEqual(['u0', 'u1']);
    expect(await listHolds(t.state)).toEqual([]);
    // Re-armed: the next ordinary deletion goes through, although the burst is still inside the window.
    t.pool.addUser({ username: 'later', enabled: true, status: 'CONFIRMED' });
    expect(await t.breaker.admit('later', 1)).toBe(true);
  });

  it('release of named users only: the others stay held and the breaker stays tripped', async () => {
    const t = await heldDeletions();

    const settled = await settleHolds(t.region, 'release', { usernames: ['u2', 'nobody'] });

    expect(settled).toMatchObject({ deleted: ['u2'], notHeld: ['nobody'], rearmed: false });
    expect((await listHolds(t.state)).map((hold) => hold.username)).toEqual(['u1', 'u3', 'u4', 'u5']);
    expect(await t.breaker.admit('another', 1)).toBe(false);
  });

  it('discard: keeps the users, and the breaker keeps them while the record stays that tombstone', async () => {
    const t = await heldDeletions();

    const settled = await settleHolds(t.region, 'discard');

    expect([...settled.discarded].sort()).toEqual(t.held);
    expect(settled.rearmed).toBe(true);
    const holds = await listHolds(t.state);
    expect(holds.every((hold) => hold.state === 'discarded' && hold.version === 3)).toBe(true);
    // The marker lives as long as the tombstone, and a day more.
    const marker = t.stateTable.items.get('deletion-hold\u0000u1') as { expiresAt: number };
    expect(marker.expiresAt).toBe(1_800_000_000 + 86_400);

    // A repair asking again is answered from the discard: nothing counted, nobody deleted.
    t.advance(10 * MINUTE);
    for (const username of t.held) expect(await t.breaker.admit(username, 3)).toBe(false);
    expect(t.pool.users.size).toBe(6);
    // Deleted again after a restore (a newer tombstone): a deletion of its own, admitted.
    expect(await t.breaker.admit('u1', 5)).toBe(true);
  });

  it('releases a discarded user when named, and is idempotent', async () => {
    const t = await heldDeletions();
    await settleHolds(t.region, 'discard');

    const first = await settleHolds(t.region, 'release', { usernames: ['u3'] });
    const again = await settleHolds(t.region, 'release', { usernames: ['u3'] });

    expect(first.deleted).toEqual(['u3']);
    expect(again).toMatchObject({ deleted: [], notHeld: ['u3'] });
    expect(t.pool.users.has('u3')).toBe(false);
  });

  it('counts a user it could not settle by error name and leaves their hold', async () => {
    const t = await heldDeletions();
    t.pool.failNext(
      'AdminDeleteUser',
      Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }),
    );

    const settled = await settleHolds(t.region, 'release', { concurrency: 1 });

    expect(settled.failed).toEqual({ TooManyRequestsException: 1 });
    expect(settled.deleted).toHaveLength(4);
    expect(settled.rearmed).toBe(false);
    expect((await listHolds(t.state)).map((hold) => hold.username)).toEqual(['u1']);
  });
});
