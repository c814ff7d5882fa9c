// Whole-pool reads for status and verify, on paging and non-paging fakes.
import { sameSnapshot } from '@cognito-dr/shared';
import { PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import { readBackupInventory, readPrimaryInventory } from './inventory';
import { ORIGIN, poolRecords } from './testing/scenario';

describe('inventories', () => {
  const pool = () => {
    const p = new PagingUserPool();
    p.addUsers(130);
    p.addGroup('gold');
    p.addGroup('empty');
    for (let i = 0; i < 70; i++) p.groups.get('gold')?.add(`user-${String(i).padStart(4, '0')}`);
    return p;
  };

  it('reads every user of a pool paging at 60, with group memberships from the group listings', async () => {
    const p = pool();

    const { users, unreadable } = await readPrimaryInventory(p.client, 'pool', { origin: ORIGIN, now: 5 });

    expect(unreadable).toBe(0);
    expect(users.size).toBe(130);
    for (const [name, record] of poolRecords(p, 5))
      expect(sameSnapshot(users.get(name) as never, record)).toBe(true);
    expect(p.calls).not.toContain('AdminListGroupsForUser');
  });

  it('reads the same from an emulator that ignores paging', async () => {
    const p = new PagingUserPool({ ignoresPaging: true });
    p.addUsers(130);
    expect((await readPrimaryInventory(p.client, 'pool', { origin: ORIGIN, now: 5 })).users.size).toBe(130);
  });

  it('reads backup users as the replica plans them', async () => {
    const p = pool();
    const records = poolRecords(p, 5);

    const backup = await readBackupInventory(p.client, 'pool');

    expect(backup.size).toBe(130);
    expect(backup.get('user-0001')).toMatchObject({ enabled: true, status: 'CONFIRMED', groups: ['gold'] });
    // Same pool read both ways: its users were born there (own sub = record sub), so nothing is planned.
    expect(mirrorMismatches(backup.get('user-0001') ?? null, records.get('user-0001') as never)).toEqual([]);
  });
});
