// Repair against a fake backup pool that pages at 60 and a fake table replica: every missing, stale or extra backup
// user converges to its record through apply's convergence, and only users that differ cost a per-user call.
import { deletionBreaker, replicatorClient } from '@cognito-dr/apply';
import {
  initialRoles,
  QUOTA_CATEGORIES,
  type RegionRoles,
  tombstoneFor,
  type UserRecord,
} from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { memoryCheckpointStore } from './checkpoint';
import { DirectionRefusedError } from './direction-guard';
import type { Budget } from './quota';
import { type RepairDeps, runRepair } from './repair-direction';
import { POOL_ID, poolRecords, putRecord, tableRecords } from './testing/scenario';

const BACKUP_REGION = 'ap-northeast-1';
const UNLIMITED = Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 1e9])) as Budget;

const setUp = () => {
  // The primary pool only produces the records; the repair never sees it.
  const primary = new PagingUserPool({ seed: 2 });
  const backup = new PagingUserPool({ seed: 3 });
  const table = new ScannableTable();
  const clock = new FakeClock();
  backup.clock = clock;
  const deps: RepairDeps = {
    cognito: backup.client,
    table: table.client,
    userPoolId: 'ap-northeast-1_BACKUP',
    tableName: 'cognito-dr-users-test',
    region: BACKUP_REGION,
    clock,
    checkpoints: memoryCheckpointStore(),
    roles: async () => initialRoles('us-east-1', BACKUP_REGION),
    pools: { 'us-east-1': POOL_ID, [BACKUP_REGION]: 'ap-northeast-1_BACKUP' },
    breaker: null,
  };
  // Backup users that do not mirror their record, and backup users with no record at all.
  const drift = async () => {
    const records = tableRecords(table);
    const wrong = [...records.values()].filter(
      (record) => mirrorMismatches(backup.state(record.username), record).length > 0,
    );
    const unrecorded = [...backup.users.keys()].filter((username) => !records.has(username));
    return wrong.length + unrecorded.length;
  };
  const callsOf = (command: string) => backup.calls.filter((call) => call === command).length;
  return { primary, backup, table, clock, deps, drift, callsOf };
};

describe('runRepair', () => {
  it('creates every backup user from the table, then costs no per-user call while nothing differs', async () => {
    const t = setUp();
    const names = t.primary.addUsers(130);
    t.primary.addGroup('gold');
    for (const name of names.slice(0, 40)) t.primary.groups.get('gold')?.add(name);
    for (const record of poolRecords(t.primary, t.clock.now() - 1000).values()) putRecord(t.table, record);

    const first = await runRepair(t.deps, { budget: UNLIMITED });
    expect(first).toMatchObject({ complete: true, counts: { created: 130, failed: 0 } });
    expect(await t.drift()).toBe(0);

    t.backup.calls.length = 0;
    const second = await runRepair(t.deps, { budget: UNLIMITED });
    expect(second.counts).toMatchObject({ checked: 130, unchanged: 130, created: 0, updated: 0, deleted: 0 });
    expect(t.callsOf('AdminGetUser')).toBe(0);
    expect(t.callsOf('AdminListGroupsForUser')).toBe(0);
  });

  it('converges a deleted, a changed, a disabled, a regrouped and an extra backup user, and a tombstoned one', async () => {
    const t = setUp();
    const [deleted, changed, disabled, regrouped, buried] = t.primary.addUsers(8) as string[];
    t.primary.addGroup('gold');
    const records = poolRecords(t.primary, t.clock.now() - 1000);
    for (const record of records.values()) putRecord(t.table, record);
    await runRepair(t.deps, { budget: UNLIMITED });

    t.backup.users.delete(deleted as string);
    (t.backup.users.get(changed as string) as { attributes: Record<string, string> }).attributes.name =
      'tampered';
    (t.backup.users.get(disabled as string) as { enabled: boolean }).enabled = false;
    t.backup.addGroup('gold');
    t.backup.groups.get('gold')?.add(regrouped as string);
    t.backup.addUsers(1, 'extra-');
    const record = records.get(buried as string) as UserRecord;
    putRecord(t.table, {
      ...record,
      deleted: true,
      deletedAt: t.clock.now(),
      expiresAt: 1,
      version: 2,
      updatedAt: t.clock.now(),
    });
    expect(await t.drift()).toBe(6);

    const dry = await runRepair(t.deps, { budget: UNLIMITED, dryRun: true });
    expect(dry.counts).toMatchObject({ created: 1, updated: 3, deleted: 2, failed: 0 });
    expect(await t.drift()).toBe(6);

    const result = await runRepair(t.deps, { budget: UNLIMITED });

    expect(result.counts).toEqual({ ...dry.counts });
    expect(await t.drift()).toBe(0);
    expect(t.backup.users.has('extra-0000')).toBe(false);
  });

  it("refuses a table whose records name another deployment's pool, and touches nothing", async () => {
    const t = setUp();
    t.primary.addUsers(3);
    for (const record of poolRecords(t.primary, t.clock.now() - 1000, 'us-east-1', 'us-east-1_Dev').values())
      putRecord(t.table, record);

    await expect(runRepair(t.deps, { budget: UNLIMITED })).rejects.toThrow(
      /holds records of pool us-east-1_Dev \(us-east-1\), not of this deployment's pools/,
    );
    expect(t.backup.calls).toEqual([]);
    expect(t.backup.users.size).toBe(0);
  });

  it('creates each missing user with one SignUp through the replicator client, when there is one', async () => {
    const t = setUp();
    t.backup.addAppClient({ clientId: 'replicator', name: 'cognito-dr-replicator', secret: 's3cr3t' });
    // The backup pool's PreSignUp, reduced to what it answers the replicator: confirmed, verified as the record.
    t.backup.preSignUp = async (event) => ({
      autoConfirmUser: true,
      autoVerifyEmail: event.request.clientMetadata?.emailVerified === 'true',
    });
    t.primary.addUsers(12, 'user-', { email_verified: 'true' });
    for (const record of poolRecords(t.primary, t.clock.now() - 1000).values()) putRecord(t.table, record);

    const result = await runRepair(
      { ...t.deps, replicator: replicatorClient(t.backup.client, t.deps.userPoolId, 'replicator') },
      { budget: UNLIMITED },
    );
    expect(result.counts).toMatchObject({ created: 12, failed: 0 });
    expect(await t.drift()).toBe(0);
    expect({
      SignUp: t.callsOf('SignUp'),
      AdminCreateUser: t.callsOf('AdminCreateUser'),
      AdminSetUserPassword: t.callsOf('AdminSetUserPassword'),
    }).toEqual({ SignUp: 12, AdminCreateUser: 0, AdminSetUserPassword: 0 });
  });

  it('leaves alone a record written in its own region: the backup pool was its source', async () => {
    const t = setUp();
    const [own] = t.primary.addUsers(1) as string[];
    const record = poolRecords(t.primary, t.clock.now() - 1000, BACKUP_REGION, t.deps.userPoolId).get(
      own as string,
    ) as UserRecord;
    putRecord(t.table, record);

    const result = await runRepair(t.deps, { budget: UNLIMITED });

    expect(result.counts).toMatchObject({ created: 0, failed: 0 });
    expect(t.backup.users.size).toBe(0);
  });

  it('stays within its budget: at most half of UserCreation and UserAccountRecovery per second by default', async () => {
    const t = setUp();
    t.primary.addUsers(120);
    for (const record of poolRecords(t.primary, t.clock.now() - 1000).values()) putRecord(t.table, record);

    const result = await runRepair(t.deps, { concurrency: 32 });

    expect(result.counts.created).toBe(120);
    const busiest = (command: string) => {
      const times = t.backup.callTimes.filter((call) => call.command === command).map((call) => call.at);
      let most = 0;
      for (let to = 0, from = 0; to < times.length; to++) {
        while ((times[to] as number) - (times[from] as number) >= 1000) from++;
        most = Math.max(most, to - from + 1);
      }
      return most;
    };
    expect(busiest('AdminCreateUser')).toBeLessThanOrEqual(25);
    expect(busiest('AdminSetUserPassword')).toBeLessThanOrEqual(15);
    expect(result.calls.UserCreation).toBe(120);
  });

  it('deletes through the breaker: after a mass deletion it finishes nothing the breaker held, and asks again for free', async () => {
    const t = setUp();
    const names = t.primary.addUsers(30);
    const records = poolRecords(t.primary, t.clock.now() - 1000);
    for (const record of records.values()) putRecord(t.table, record);
    await runRepair(t.deps, { budget: UNLIMITED });
    for (const name of names.slice(0, 20)) {
      const record = records.get(name) as UserRecord;
      putRecord(t.table, {
        ...tombstoneFor(record, { origin: record.origin, poolId: POOL_ID, now: t.clock.now() }),
        version: 2,
      });
    }
    t.backup.addUsers(1, 'stray-');
    const stateTable = new FakeStateTable();
    const deps = {
      ...t.deps,
      breaker: deletionBreaker({
        state: { table: stateTable.client, tableName: 'state' },
        pool: { cognito: t.backup.client, userPoolId: t.deps.userPoolId },
        settings: { minimum: 5, percent: 1, windowMinutes: 5 },
        now: () => t.clock.now(),
      }),
    };

    const first = await runRepair(deps, { budget: UNLIMITED });

    // 21 deletions asked for (20 tombstones, 1 user with no record): 5 made, the rest held and left in the pool.
    expect(first.counts).toMatchObject({ deleted: 5, failed: 0 });
    expect(t.backup.users.size).toBe(31 - 5);
    const counted = [...stateTable.items.values()].filter((item) => item.pk === 'deletion-window');
    const holds = [...stateTable.items.values()].filter((item) => item.pk === 'deletion-hold');
    expect(holds).toHaveLength(16);

    const second = await runRepair(deps, { budget: UNLIMITED });

    expect(second.counts).toMatchObject({ deleted: 0, failed: 0 });
    expect(t.backup.users.size).toBe(26);
    // The held users were answered from their holds: the window counted nothing more.
    expect([...stateTable.items.values()].filter((item) => item.pk === 'deletion-window')).toEqual(counted);
  });

  it('keeps and converges the backup users of a pool that names them by email, whose usernames are its own', async () => {
    const t = setUp();
    const backup = new PagingUserPool({ seed: 3, usernameAttributes: ['email'] });
    const deps: RepairDeps = { ...t.deps, cognito: backup.client };
    // Records of an email-as-username primary: each keyed by the user's home sub, their username there.
    const records = Array.from({ length: 5 }, (_, index): UserRecord => {
      const sub = `0000000${index}-home-sub`;
      return {
        username: sub,
        schemaVersion: 1,
        sub,
        attributes: { email: `user${index}@example.com`, email_verified: 'true' },
        enabled: true,
        status: 'CONFIRMED',
        groups: [],
        updatedAt: t.clock.now() - 1000,
        version: 1,
        origin: 'us-east-1',
        poolId: POOL_ID,
      };
    });
    for (const record of records) putRecord(t.table, record);
    expect((await runRepair(deps, { budget: UNLIMITED })).counts).toMatchObject({ created: 5, failed: 0 });
    const second = await runRepair(deps, { budget: UNLIMITED });
    expect(second.counts).toMatchObject({ checked: 5, unchanged: 5, created: 0, deleted: 0 });
    expect(backup.users.size).toBe(5);

    // An email change the stream never delivered: the listed user takes the new email, no second user is made.
    const moved = { ...(records[0] as UserRecord), version: 2, attributes: { email: 'moved@example.com' } };
    putRecord(t.table, moved);
    expect((await runRepair(deps, { budget: UNLIMITED })).counts).toMatchObject({ updated: 1, created: 0 });
    expect(backup.users.size).toBe(5);
    const user = backup.findUser('moved@example.com');
    expect(mirrorMismatches(backup.state(user?.username ?? ''), moved)).toEqual([]);
  });

  describe('while the backup pool is active (failed over)', () => {
    const failedOver: RegionRoles = {
      ...initialRoles('us-east-1', BACKUP_REGION),
      active: BACKUP_REGION,
      epoch: 1,
      posture: { 'us-east-1': 'standby', [BACKUP_REGION]: 'active' },
    };
    /** A sign-up on the active backup pool not confirmed yet: no capture has written a record of it. */
    const unconfirmedSignUp = (t: ReturnType<typeof setUp>) => {
      const [name] = t.backup.addUsers(1, 'signed-up-') as [string];
      (t.backup.users.get(name) as { status: string }).status = 'UNCONFIRMED';
      return name;
    };

    it('refuses to run, names the command to use, and the unconfirmed sign-up survives', async () => {
      const t = setUp();
      t.primary.addUsers(3);
      for (const record of poolRecords(t.primary, t.clock.now() - 1000).values()) putRecord(t.table, record);
      const signedUp = unconfirmedSignUp(t);

      for (const dryRun of [true, false]) {
        const run = runRepair({ ...t.deps, roles: async () => failedOver }, { budget: UNLIMITED, dryRun });
        await expect(run).rejects.toThrow(DirectionRefusedError);
        await expect(run).rejects.toThrow(/active pool .*`cognito-dr failback`/);
      }
      expect(t.backup.calls).toEqual([]);
      expect(t.backup.users.has(signedUp)).toBe(true);
    });

    it('refuses while a failover to the backup pool is catching it up, naming `cognito-dr failover`', async () => {
      const t = setUp();
      const failingOver: RegionRoles = {
        ...initialRoles('us-east-1', BACKUP_REGION),
        state: 'failing-over',
        target: BACKUP_REGION,
      };
      await expect(runRepair({ ...t.deps, roles: async () => failingOver })).rejects.toThrow(
        /failover to ap-northeast-1 is under way; finish it with `cognito-dr failover`/,
      );
      expect(t.backup.calls).toEqual([]);
    });

    it('deletes nothing once a failover made the pool active during the run', async () => {
      const t = setUp();
      t.primary.addUsers(3);
      for (const record of poolRecords(t.primary, t.clock.now() - 1000).values()) putRecord(t.table, record);
      await runRepair(t.deps, { budget: UNLIMITED });
      const signedUp = unconfirmedSignUp(t);
      // The run starts while the pool is standby; the failover happens before it reaches the user.
      let asked = 0;
      const roles = async () => (++asked <= 2 ? initialRoles('us-east-1', BACKUP_REGION) : failedOver);
      const failures: string[] = [];

      const result = await runRepair(
        { ...t.deps, roles },
        { budget: UNLIMITED, onFailure: (failure) => failures.push(failure.error) },
      );

      expect(result.counts).toMatchObject({ deleted: 0, failed: 1 });
      expect(failures).toEqual(['DirectionRefusedError']);
      expect(t.backup.users.has(signedUp)).toBe(true);
      expect(t.backup.calls).not.toContain('AdminDeleteUser');
    });
  });
});
