import {
  InvalidParameterException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { initialRoles, type RegionRoles, recordToItem, type UserRecord } from '@cognito-dr/shared';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import { type ApplyDeps, applyRecordChange, type RecordChange } from './apply-record';
import { deletionBreaker } from './deletion-breaker';
import { ConvergenceConflictError, classifyError } from './errors';
import { listHolds } from './held-deletions';
import { readReplicationMetadata, replicatorClient } from './replicator-client';
import { BACKUP_REGION, fakeBackup, PRIMARY_REGION, T0, userRecord } from './testing/stream-records';

function setup(options: Parameters<typeof fakeBackup>[1] = {}) {
  const { pool, table, deps } = fakeBackup(T0 + 250, options);
  /** Stores the record in the table (the truth) and applies the matching stream record. */
  const publish = (record: UserRecord) => {
    table.put(recordToItem(record));
    return applyRecordChange(deps, change(record));
  };
  return { pool, table, deps, publish };
}

const change = (record: UserRecord, eventName: RecordChange['eventName'] = 'MODIFY'): RecordChange => ({
  username: record.username,
  eventName,
  newImage: record,
});

/** The backup user matches the record exactly when there is nothing left to plan. */
function expectConverged(pool: FakeUserPool, record: UserRecord) {
  expect(mirrorMismatches(pool.state(record.username), record)).toEqual([]);
}

describe('applyRecordChange', () => {
  it('creates a first-seen user (INSERT) without reading the backup pool first', async () => {
    const { pool, table, deps } = setup();
    const record = userRecord();
    table.put(recordToItem(record));
    const result = await applyRecordChange(deps, change(record, 'INSERT'));
    expect(result.outcome).toBe('created');
    expect(pool.calls.slice(0, 2)).toEqual(['AdminCreateUser', 'AdminSetUserPassword']);
    expect(pool.calls).not.toContain('AdminGetUser');
    expectConverged(pool, record);
  });

  it('converges an INSERT for a user the backup pool already has, after the create is refused', async () => {
    const { pool, table, deps } = setup();
    const record = userRecord();
    table.put(recordToItem(record));
    await applyRecordChange(deps, change(record));
    const changed = {
      ...record,
      version: 2,
      attributes: { ...record.attributes, 'custom:tier': 'platinum' },
    };
    table.put(recordToItem(changed));
    const result = await applyRecordChange(deps, change(changed, 'INSERT'));
    expect(result.outcome).toBe('updated');
    expectConverged(pool, changed);
  });

  it('creates a user with custom attributes, groups and disabled, silently, with a usable status', async () => {
    const { pool, publish } = setup();
    const record = userRecord({ enabled: false, groups: ['admins', 'staff'] });
    const result = await publish(record);
    expect(result).toEqual({
      outcome: 'created',
      poolUsername: 'alice.smith',
      version: 1,
      lagMs: 250,
      operations: [
        'createUser',
        'setPermanentPassword',
        'disable',
        'ensureGroup',
        'addToGroup',
        'ensureGroup',
        'addToGroup',
      ],
    });
    expect(pool.state('alice.smith')).toEqual({
      attributes: {
        sub: expect.any(String),
        email: 'alice.smith@example.com',
        email_verified: 'true',
        'custom:tier': 'gold',
        'custom:source_sub': 'primary-sub-of-alice.smith',
      },
      enabled: false,
      status: 'CONFIRMED',
      groups: ['admins', 'staff'],
    });
    expect(pool.createInputs[0]?.MessageAction).toBe('SUPPRESS');
    expect(pool.calls.filter((c) => c === 'CreateGroup')).toHaveLength(2);
  });

  it("sets the record's email-OTP preference on the user it creates, and follows the primary turning it off", async () => {
    const { pool, publish } = setup();
    const record = userRecord({ mfa: { enabled: ['EMAIL_OTP'], preferred: 'EMAIL_OTP' } });
    const created = await publish(record);
    expect(created.operations).toEqual(['createUser', 'setPermanentPassword', 'setMfaPreference']);
    expect(pool.users.get('alice.smith')?.mfa).toEqual({ enabled: ['EMAIL_OTP'], preferred: 'EMAIL_OTP' });

    const { mfa: _off, ...turnedOff } = { ...record, version: 2 };
    const updated = await publish(turnedOff);
    expect(updated.operations).toEqual(['setMfaPreference']);
    expect(pool.users.get('alice.smith')?.mfa).toBeUndefined();
    expect(await publish({ ...turnedOff, version: 3 })).toMatchObject({ outcome: 'unchanged' });
  });

  it('uses the injected password generator for the permanent password', async () => {
    const { pool, deps, table } = setup();
    const record = userRecord();
    table.put(recordToItem(record));
    await applyRecordChange({ ...deps, newPassword: () => 'Injected-Password-1' }, change(record));
    expect(pool.users.get('alice.smith')?.password).toBe('Injected-Password-1');
  });

  it('changes the email without losing its verified flag', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    const moved = userRecord({
      version: 2,
      updatedAt: T0 + 1,
      attributes: { email: 'alice@new.example.com', email_verified: 'true', 'custom:tier': 'gold' },
    });
    expect(await publish(moved)).toMatchObject({ outcome: 'updated', operations: ['updateAttributes'] });
    expect(pool.state('alice.smith')?.attributes).toMatchObject({
      email: 'alice@new.example.com',
      email_verified: 'true',
    });
    expectConverged(pool, moved);
  });

  it('removes attributes the user no longer has', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    const trimmed = userRecord({
      version: 2,
      attributes: { email: 'alice.smith@example.com', email_verified: 'true' },
    });
    expect(await publish(trimmed)).toMatchObject({ outcome: 'updated', operations: ['deleteAttributes'] });
    expect(pool.state('alice.smith')?.attributes).not.toHaveProperty('custom:tier');
    expectConverged(pool, trimmed);
  });

  it('disables and re-enables', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    expect(await publish(userRecord({ version: 2, enabled: false }))).toMatchObject({
      operations: ['disable'],
    });
    expect(pool.state('alice.smith')?.enabled).toBe(false);
    expect(await publish(userRecord({ version: 3, enabled: true }))).toMatchObject({
      operations: ['enable'],
    });
    expect(pool.state('alice.smith')?.enabled).toBe(true);
  });

  it('moves the user between groups, creating a group the backup pool does not have yet', async () => {
    const { pool, publish } = setup();
    await publish(userRecord({ groups: ['admins', 'staff'] }));
    const moved = userRecord({ version: 2, groups: ['auditors', 'staff'] });
    expect(await publish(moved)).toMatchObject({
      outcome: 'updated',
      operations: ['removeFromGroup', 'ensureGroup', 'addToGroup'],
    });
    expect(pool.state('alice.smith')?.groups).toEqual(['auditors', 'staff']);
    expect(pool.groups.has('auditors')).toBe(true);
  });

  it('accepts a group created by someone else in the meantime', async () => {
    const { pool, publish } = setup();
    pool.beforeSend = (command, input) => {
      // Another writer creates the group first, so our CreateGroup meets GroupExistsException.
      if (command === 'CreateGroup') pool.addGroup(input.GroupName);
    };
    await publish(userRecord({ groups: ['admins'] }));
    expect(pool.calls).toContain('CreateGroup');
    expect(pool.state('alice.smith')?.groups).toEqual(['admins']);
  });

  it('creates a new group once when several users join it at the same time', async () => {
    const { pool, table, deps } = setup();
    const users = ['u1', 'u2', 'u3'].map((username) => userRecord({ username, groups: ['newcomers'] }));
    for (const user of users) table.put(recordToItem(user));
    await Promise.all(users.map((user) => applyRecordChange(deps, change(user))));
    expect(pool.calls.filter((c) => c === 'CreateGroup')).toHaveLength(1);
    expect([...(pool.groups.get('newcomers') ?? [])].sort()).toEqual(['u1', 'u2', 'u3']);
  });

  it('re-creates a group deleted after this process created it', async () => {
    const { pool, publish } = setup();
    await publish(userRecord({ username: 'u1', groups: ['transient'] }));
    pool.groups.delete('transient');
    await publish(userRecord({ username: 'u2', groups: ['transient'] }));
    expect(pool.state('u2')?.groups).toEqual(['transient']);
    expect(pool.calls.filter((c) => c === 'CreateGroup')).toHaveLength(2);
  });

  it('deletes the user when the record is a tombstone', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    const tombstone = userRecord({ version: 2, deleted: true, deletedAt: T0 + 1, expiresAt: 1 });
    expect(await publish(tombstone)).toMatchObject({ outcome: 'deleted', operations: ['deleteUser'] });
    expect(pool.users.has('alice.smith')).toBe(false);
  });

  it('reports a tombstone whose deletion the breaker held as held, keeps the user, and never counts it twice', async () => {
    const state = { table: new FakeStateTable().client, tableName: 'state' };
    const breaker = deletionBreaker({
      state,
      pool: { cognito: new FakeUserPool().client, userPoolId: 'ap-northeast-1_backup' },
      settings: { minimum: 1, percent: 1, windowMinutes: 5 },
      now: () => T0,
    });
    const { pool, publish } = setup({ breaker });
    const tombstones = ['u1', 'u2'].map((username) =>
      userRecord({ username, version: 2, deleted: true, deletedAt: T0 + 1, expiresAt: 1 }),
    );
    for (const username of ['u1', 'u2']) await publish(userRecord({ username }));

    expect(await publish(tombstones[0] as UserRecord)).toMatchObject({ outcome: 'deleted' });
    expect(await publish(tombstones[1] as UserRecord)).toMatchObject({ outcome: 'held', operations: [] });
    expect(await publish(tombstones[1] as UserRecord)).toMatchObject({ outcome: 'held', operations: [] });

    expect(pool.users.has('u1')).toBe(false);
    expect(pool.users.has('u2')).toBe(true);
    expect(await listHolds(state)).toEqual([{ username: 'u2', state: 'held', version: 2, heldAt: T0 }]);
  });

  it('treats the deletion of a user the backup never had as done', async () => {
    const { pool, publish } = setup();
    const tombstone = userRecord({ deleted: true, deletedAt: T0, expiresAt: 1 });
    expect(await publish(tombstone)).toMatchObject({ outcome: 'unchanged', operations: [] });
    expect(pool.calls).not.toContain('AdminDeleteUser');
  });

  it('treats a user deleted by someone else between read and delete as deleted', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    pool.beforeSend = (command) => {
      if (command === 'AdminDeleteUser') pool.users.delete('alice.smith');
    };
    const tombstone = userRecord({ version: 2, deleted: true, deletedAt: T0, expiresAt: 1 });
    expect(await publish(tombstone)).toMatchObject({ outcome: 'deleted' });
  });

  it('converges to the table when an older record is replayed after a newer one, never regressing', async () => {
    const { pool, table, deps, publish } = setup();
    const v1 = userRecord();
    const v3 = userRecord({ version: 3, updatedAt: T0 + 3, attributes: { email: 'alice@v3.example.com' } });
    await publish(v1);
    table.put(recordToItem(v3));
    // The replayed v1 arrives while the table already holds v3.
    expect(await applyRecordChange(deps, change(v1))).toMatchObject({ outcome: 'updated', version: 3 });
    expectConverged(pool, v3);
    expect(await applyRecordChange(deps, change(v1))).toMatchObject({ outcome: 'unchanged', version: 3 });
    expectConverged(pool, v3);
  });

  it('uses a record its caller has just read instead of reading the table again', async () => {
    const { pool, table, deps } = setup();
    const v1 = userRecord();
    const v2 = userRecord({ version: 2, updatedAt: T0 + 2, attributes: { email: 'alice@v2.example.com' } });
    expect(await applyRecordChange(deps, change(v1), v2)).toMatchObject({ outcome: 'created', version: 2 });
    expectConverged(pool, v2);
    expect(await applyRecordChange(deps, change(v1, 'INSERT'), null)).toMatchObject({
      outcome: 'updated',
      version: 1,
    });
    expectConverged(pool, v1);
    expect(table.calls).toEqual([]);
  });

  it('uses the stream record when the table no longer has the item', async () => {
    const { pool, deps } = setup();
    const record = userRecord();
    expect(await applyRecordChange(deps, change(record))).toMatchObject({ outcome: 'created', version: 1 });
    expectConverged(pool, record);
  });

  it('does nothing for a duplicate delivery', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    const calls = pool.calls.length;
    expect(await publish(userRecord())).toMatchObject({ outcome: 'unchanged', operations: [] });
    // Only the reads, made together: AdminGetUser and the groups listing.
    expect(pool.calls.slice(calls).sort()).toEqual(['AdminGetUser', 'AdminListGroupsForUser']);
  });

  it('skips records written in its own region, without touching pool or table', async () => {
    const { pool, table, deps } = setup();
    const own = userRecord({ origin: BACKUP_REGION });
    expect(await applyRecordChange(deps, change(own))).toEqual({ outcome: 'skipped-own-origin', version: 1 });
    expect(pool.calls).toEqual([]);
    expect(table.calls).toEqual([]);
  });

  it('skips when the newer snapshot in the table came from its own region', async () => {
    const { pool, table, deps } = setup();
    table.put(recordToItem(userRecord({ version: 2, origin: BACKUP_REGION })));
    expect(await applyRecordChange(deps, change(userRecord()))).toMatchObject({
      outcome: 'skipped-own-origin',
    });
    expect(pool.calls).toEqual([]);
  });

  it('never deletes a user because its item was removed (TTL)', async () => {
    const { pool, publish, deps } = setup();
    await publish(userRecord());
    const removal: RecordChange = { username: 'alice.smith', eventName: 'REMOVE', oldImage: userRecord() };
    expect(await applyRecordChange(deps, removal)).toEqual({ outcome: 'skipped-remove' });
    expect(pool.users.has('alice.smith')).toBe(true);
  });

  it('converges when another apply of the same user created it between read and create', async () => {
    const { pool, publish } = setup();
    const record = userRecord({ groups: ['staff'] });
    pool.beforeSend = (command) => {
      if (command === 'AdminCreateUser' && !pool.users.has('alice.smith')) {
        pool.addUser({
          username: 'alice.smith',
          enabled: true,
          status: 'FORCE_CHANGE_PASSWORD',
          attributes: { 'custom:source_sub': record.sub },
        });
      }
    };
    expect(await publish(record)).toMatchObject({ outcome: 'updated' });
    expectConverged(pool, record);
  });

  it('gives up with a transient error when the backup user keeps changing', async () => {
    const { pool, publish } = setup();
    for (let i = 0; i < 3; i++) {
      pool.failNext('AdminCreateUser', new UsernameExistsException({ message: 'exists', $metadata: {} }));
    }
    await expect(publish(userRecord())).rejects.toBeInstanceOf(ConvergenceConflictError);
  });

  it('lets permanent pool errors through for the caller to park', async () => {
    const { pool, publish } = setup();
    pool.failNext('AdminCreateUser', new InvalidParameterException({ message: 'bad', $metadata: {} }));
    await expect(publish(userRecord())).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('replaces a backup user that belonged to an earlier primary user of the same name', async () => {
    const { pool, publish } = setup();
    await publish(userRecord());
    const reborn = userRecord({ version: 2, sub: 'new-primary-sub', updatedAt: T0 + 5 });
    expect(await publish(reborn)).toMatchObject({ outcome: 'created' });
    expect(pool.state('alice.smith')?.attributes['custom:source_sub']).toBe('new-primary-sub');
    expect(PRIMARY_REGION).not.toBe(BACKUP_REGION);
  });

  describe('under region roles', () => {
    const failedOver = (primaryPosture: 'standby' | 'unknown'): RegionRoles => ({
      ...initialRoles(PRIMARY_REGION, BACKUP_REGION),
      active: BACKUP_REGION,
      posture: { [PRIMARY_REGION]: primaryPosture, [BACKUP_REGION]: 'active' },
      epoch: 1,
      revision: 2,
    });
    const fromBackup = (overrides: Partial<UserRecord> = {}) =>
      userRecord({ origin: BACKUP_REGION, sub: 'sub-born-in-backup', ...overrides });

    it('does not apply a late write of the old primary into the backup pool that now serves users', async () => {
      const { pool, publish } = setup({ roles: failedOver('standby') });
      expect((await publish(userRecord())).outcome).toBe('skipped-this-region-active');
      expect(pool.calls).toEqual([]);
    });

    it('deletes nothing under cached roles a switch has replaced: the roles read past the cache decide a deletion', async () => {
      const steady = initialRoles(PRIMARY_REGION, BACKUP_REGION);
      const tombstone = userRecord({ version: 2, deleted: true, deletedAt: T0 + 1, expiresAt: 1 });
      const { pool, publish } = setup({ roles: steady, freshRoles: failedOver('standby') });
      await publish(userRecord());

      expect((await publish(tombstone)).outcome).toBe('skipped-this-region-active');
      expect(pool.users.has('alice.smith')).toBe(true);
      expect(pool.calls).not.toContain('AdminDeleteUser');

      // Roles unchanged since the cached read: the deletion goes ahead.
      const same = setup({ roles: steady, freshRoles: steady });
      await same.publish(userRecord());
      expect((await same.publish(tombstone)).outcome).toBe('deleted');
      expect(same.pool.users.has('alice.smith')).toBe(false);
    });

    it('pauses while a failover is catching the backup up itself', async () => {
      const pausing = { ...initialRoles(PRIMARY_REGION, BACKUP_REGION), state: 'failing-over' as const };
      const { pool, publish } = setup({ roles: { ...pausing, target: BACKUP_REGION } });
      expect((await publish(userRecord())).outcome).toBe('skipped-paused');
      expect(pool.calls).toEqual([]);
    });

    it('applies nothing into the primary until its posture was set to standby', async () => {
      const { pool, publish } = setup({
        roles: failedOver('unknown'),
        region: PRIMARY_REGION,
        createMissing: false,
      });
      expect((await publish(fromBackup())).outcome).toBe('skipped-posture');
      expect(pool.calls).toEqual([]);
    });

    describe('into the primary, which never pre-creates users', () => {
      const primary = () =>
        setup({ roles: failedOver('standby'), region: PRIMARY_REGION, createMissing: false });

      it('leaves a user who signed up during the failover to migrate on first sign-in, password and all', async () => {
        const { pool, table, deps } = primary();
        const record = fromBackup({ version: 1 });
        table.put(recordToItem(record));
        const result = await applyRecordChange(deps, change(record, 'INSERT'));
        expect(result).toMatchObject({ outcome: 'awaiting-migration', operations: [] });
        expect(pool.calls).not.toContain('AdminCreateUser');
        expect(pool.calls).not.toContain('SignUp');
      });

      it('carries a change made during the failover back to a user it has', async () => {
        const { pool, publish } = primary();
        pool.addUser({
          username: 'alice.smith',
          enabled: true,
          status: 'CONFIRMED',
          attributes: {
            sub: 'primary-sub-of-alice.smith',
            email: 'alice.smith@example.com',
            email_verified: 'true',
          },
        });
        const record = fromBackup({ sub: 'primary-sub-of-alice.smith', enabled: false, groups: ['staff'] });
        expect((await publish(record)).outcome).toBe('updated');
        expect(pool.state('alice.smith')).toMatchObject({ enabled: false, groups: ['staff'] });
        // Born here: the user keeps its own sub, and no link to itself.
        expect(pool.state('alice.smith')?.attributes['custom:source_sub']).toBeUndefined();
      });

      it('deletes a user deleted during the failover, and one whose username now belongs to somebody else', async () => {
        const { pool, publish } = primary();
        pool.addUser({
          username: 'gone',
          enabled: true,
          status: 'CONFIRMED',
          attributes: { sub: 'primary-sub-gone' },
        });
        pool.addUser({
          username: 'reused',
          enabled: true,
          status: 'CONFIRMED',
          attributes: { sub: 'primary-sub-old' },
        });
        const tombstone = fromBackup({
          username: 'gone',
          sub: 'primary-sub-gone',
          deleted: true,
          deletedAt: T0,
          expiresAt: T0 / 1000 + 86_400,
        });
        expect((await publish(tombstone)).outcome).toBe('deleted');
        expect((await publish(fromBackup({ username: 'reused', sub: 'backup-sub-new' }))).outcome).toBe(
          'deleted',
        );
        expect(pool.users.has('gone')).toBe(false);
        expect(pool.users.has('reused')).toBe(false);
      });
    });
  });

  it('remembers the own sub of a user it creates, so a deletion named only by that sub can be placed', async () => {
    const { pool, table, deps } = setup();
    const noted: [string, string][] = [];
    const record = userRecord();
    table.put(recordToItem(record));
    await applyRecordChange(
      {
        ...deps,
        notePoolSub: async (sub, username) => {
          noted.push([sub, username]);
        },
      },
      change(record, 'INSERT'),
    );
    expect(noted).toEqual([[pool.users.get(record.username)?.attributes.sub, record.username]]);
  });

  describe('with a replicator client', () => {
    /** The backup pool with a replicator client and a trigger that confirms its sign-ups, as the real one does. */
    function withReplicator() {
      const { pool, table, deps } = setup();
      pool.addAppClient({
        clientId: 'replicator',
        name: 'cognito-dr-replicator',
        secret: 'replicator-secret',
        // No verification flags: a sign-up cannot write them.
        writeAttributes: ['email', 'phone_number', 'custom:tier', 'custom:source_sub'],
      });
      pool.preSignUp = async (event) => {
        const signUp = readReplicationMetadata(event.request.clientMetadata);
        if ('broken' in signUp || event.callerContext.clientId !== 'replicator') throw new Error('refused');
        return {
          autoConfirmUser: signUp.confirmed,
          autoVerifyEmail: signUp.emailVerified,
          autoVerifyPhone: signUp.phoneNumberVerified,
        };
      };
      const replicated: ApplyDeps = {
        ...deps,
        replicator: replicatorClient(pool.client, pool.userPoolId, 'replicator'),
      };
      const publish = (record: UserRecord) => {
        table.put(recordToItem(record));
        return applyRecordChange(replicated, change(record, 'INSERT'));
      };
      return { pool, publish };
    }

    it('creates a confirmed user with one UserCreation call, verified as the record says, linked to its sub', async () => {
      const { pool, publish } = withReplicator();
      const record = userRecord();
      expect(await publish(record)).toMatchObject({ outcome: 'created', operations: ['createUser'] });
      expect(pool.calls.filter((call) => call !== 'DescribeUserPoolClient')).toEqual(['SignUp']);
      expect(pool.state('alice.smith')).toMatchObject({
        status: 'CONFIRMED',
        attributes: {
          email: 'alice.smith@example.com',
          email_verified: 'true',
          'custom:tier': 'gold',
          'custom:source_sub': 'primary-sub-of-alice.smith',
        },
      });
      expectConverged(pool, record);
    });

    it('still pays the UserUpdate calls for groups, a disabled state and a false verification flag', async () => {
      const { pool, publish } = withReplicator();
      const record = userRecord({
        enabled: false,
        groups: ['staff'],
        attributes: { email: 'alice.smith@example.com', email_verified: 'false', 'custom:tier': 'gold' },
      });
      await publish(record);
      expect(pool.calls.filter((call) => call !== 'DescribeUserPoolClient')).toEqual([
        'SignUp',
        'AdminUpdateUserAttributes',
        'AdminDisableUser',
        'AdminAddUserToGroup',
        'CreateGroup',
        'AdminAddUserToGroup',
      ]);
      expectConverged(pool, record);
    });

    it('creates a user the primary has not confirmed as before, with AdminCreateUser', async () => {
      const { pool, publish } = withReplicator();
      const record = userRecord({ status: 'FORCE_CHANGE_PASSWORD' });
      await publish(record);
      expect(pool.calls).toEqual(['AdminCreateUser']);
      expect(pool.state('alice.smith')?.status).toBe('FORCE_CHANGE_PASSWORD');
    });

    it('signs up a user the primary has not confirmed, left unconfirmed, and confirms them when the primary does', async () => {
      const { pool, publish } = withReplicator();
      const record = userRecord({
        status: 'UNCONFIRMED',
        attributes: { email: 'alice.smith@example.com', email_verified: 'false' },
      });
      await publish(record);
      expect(pool.calls.filter((call) => call !== 'DescribeUserPoolClient')).toEqual([
        'SignUp',
        'AdminUpdateUserAttributes',
      ]);
      expect(pool.state('alice.smith')).toMatchObject({
        status: 'UNCONFIRMED',
        attributes: { email: 'alice.smith@example.com', email_verified: 'false' },
      });
      pool.calls.length = 0;
      await publish({ ...record, version: 2, status: 'CONFIRMED' });
      // Published as an INSERT: the sign-up finds the user there, the re-read plans the confirmation alone.
      expect(
        pool.calls.filter((call) => call.startsWith('AdminConfirm') || call === 'AdminSetUserPassword'),
      ).toEqual(['AdminConfirmSignUp']);
      expect(pool.state('alice.smith')?.status).toBe('CONFIRMED');
    });

    it('reads the secret again after Cognito refuses it', async () => {
      const { pool, publish } = withReplicator();
      await publish(userRecord({ username: 'u1' }));
      (pool.appClients.get('replicator') as { secret: string }).secret = 'rotated';
      await expect(publish(userRecord({ username: 'u2' }))).rejects.toThrow(/secret hash/);
      expect(await publish(userRecord({ username: 'u3' }))).toMatchObject({ outcome: 'created' });
      expect(pool.calls.filter((call) => call === 'DescribeUserPoolClient')).toHaveLength(2);
    });
  });

  describe('into a pool that names its users by email (Cognito generates each username, equal to the sub)', () => {
    /** A user of an email-as-username primary: keyed by their home sub, which is also their primary username. */
    const emailUser = (overrides: Partial<UserRecord> = {}): UserRecord =>
      userRecord({
        username: 'home-sub-1',
        sub: 'home-sub-1',
        attributes: { email: 'ada@example.com', email_verified: 'true', 'custom:tier': 'gold' },
        ...overrides,
      });

    function emailPool(options: { usernameAttributes?: readonly ('email' | 'phone_number')[] } = {}) {
      const { pool, table, deps } = fakeBackup(T0 + 250, {
        usernameAttributes: options.usernameAttributes ?? ['email'],
      });
      const apply = (record: UserRecord, eventName: RecordChange['eventName'], oldImage?: UserRecord) => {
        table.put(recordToItem(record));
        return applyRecordChange(deps, { ...change(record, eventName), ...(oldImage ? { oldImage } : {}) });
      };
      /** The backup user linked to the record's sub, found as an app would: by email. */
      const byEmail = (email: string) => pool.findUser(email);
      return { pool, table, deps, apply, byEmail };
    }

    it("creates a federated user's copy by email, linked to their provider user, and finds it again by email", async () => {
      const { pool, apply, byEmail } = emailPool();
      const google = { providerName: 'Google', userId: '1001' };
      // The primary named them after the provider (google_<id>); no pool can create a native user of that name here.
      const record = userRecord({
        username: 'google_1001',
        sub: 'home-sub-9',
        status: 'EXTERNAL_PROVIDER',
        attributes: { email: 'fed@example.com', email_verified: 'true' },
        groups: ['staff'],
        identities: [google],
      });
      const created = await apply(record, 'INSERT');
      expect(created.operations).toEqual([
        'createUser',
        'setPermanentPassword',
        'linkProvider',
        'ensureGroup',
        'addToGroup',
      ]);
      expect(pool.createInputs.map((input) => input.Username)).toEqual(['fed@example.com']);
      const user = byEmail('fed@example.com');
      expect(user).toMatchObject({ status: 'CONFIRMED', attributes: { 'custom:source_sub': 'home-sub-9' } });
      expect(JSON.parse(user?.attributes.identities ?? '[]')).toEqual([google]);
      expect(mirrorMismatches(pool.state(user?.username ?? ''), record)).toEqual([]);

      // Replayed, it is found by email and link, not by the provider's name for them: nothing to do.
      expect(await apply({ ...record, version: 2 }, 'MODIFY')).toMatchObject({ outcome: 'unchanged' });
    });

    it('links a native user to the provider users the record has, and unlinks one the primary unlinked', async () => {
      const { apply, byEmail } = emailPool();
      const google = { providerName: 'Google', userId: '1003' };
      const linked = emailUser({ identities: [google] });
      expect((await apply(linked, 'INSERT')).operations).toEqual([
        'createUser',
        'setPermanentPassword',
        'linkProvider',
      ]);
      expect(JSON.parse(byEmail('ada@example.com')?.attributes.identities ?? '[]')).toEqual([google]);
      const { identities: _gone, ...unlinked } = { ...linked, version: 2 };
      expect((await apply(unlinked, 'MODIFY')).operations).toEqual(['unlinkProvider']);
      expect(byEmail('ada@example.com')?.attributes.identities).toBeUndefined();
    });

    it('holds a user linked to a provider the pool lacks, naming the fix, rather than parking the record', async () => {
      const { pool, apply } = emailPool();
      pool.identityProviders.clear();
      const record = userRecord({
        username: 'google_1002',
        sub: 'home-sub-10',
        status: 'EXTERNAL_PROVIDER',
        attributes: { email: 'fed2@example.com', email_verified: 'true' },
        identities: [{ providerName: 'Google', userId: '1002' }],
      });
      const failure = await apply(record, 'INSERT').catch((error: Error) => error);
      expect(failure).toMatchObject({ name: 'IdentityProviderMissingError' });
      expect(String((failure as Error).message)).toMatch(/Google.*cognito-dr mirror/);
      expect(classifyError(failure)).toBe('blocking');
    });

    it('creates the user by their email, under a username of the pool, linked to the home sub', async () => {
      const { pool, apply, byEmail } = emailPool();
      const record = emailUser({ enabled: false, groups: ['staff'] });
      const result = await apply(record, 'INSERT');
      expect(result.outcome).toBe('created');
      expect(pool.createInputs.map((input) => input.Username)).toEqual(['ada@example.com']);
      const user = byEmail('ada@example.com');
      expect(user?.username).not.toBe(record.username);
      expect(user?.username).toBe(user?.attributes.sub);
      expect(result.poolUsername).toBe(user?.username);
      expect(user?.attributes['custom:source_sub']).toBe('home-sub-1');
      expect(mirrorMismatches(pool.state(user?.username ?? ''), record)).toEqual([]);
    });

    it('updates the same backup user, found by email, when an attribute changes', async () => {
      const { pool, apply, byEmail } = emailPool();
      const record = emailUser();
      await apply(record, 'INSERT');
      const changed = {
        ...record,
        version: 2,
        attributes: { ...record.attributes, 'custom:tier': 'platinum' },
      };
      expect((await apply(changed, 'MODIFY', record)).outcome).toBe('updated');
      expect(pool.users.size).toBe(1);
      expect(byEmail('ada@example.com')?.attributes['custom:tier']).toBe('platinum');
    });

    it('follows an email change on the primary: the user it had is found by the old email and given the new one', async () => {
      const { pool, apply, byEmail } = emailPool();
      const record = emailUser({ groups: ['staff'] });
      await apply(record, 'INSERT');
      const before = byEmail('ada@example.com')?.username;
      const moved = {
        ...record,
        version: 2,
        attributes: { ...record.attributes, email: 'ada.lovelace@example.com', email_verified: 'false' },
      };
      expect((await apply(moved, 'MODIFY', record)).outcome).toBe('updated');
      expect(pool.users.size).toBe(1);
      expect(byEmail('ada@example.com')).toBeUndefined();
      const user = byEmail('ada.lovelace@example.com');
      expect(user?.username).toBe(before);
      expect(mirrorMismatches(pool.state(user?.username ?? ''), moved)).toEqual([]);
    });

    it('deletes the user on a tombstone, found by email and link', async () => {
      const { pool, apply } = emailPool();
      const record = emailUser();
      await apply(record, 'INSERT');
      const tombstone = { ...record, version: 2, deleted: true, deletedAt: T0 + 1, expiresAt: 1 };
      expect((await apply(tombstone, 'MODIFY', record)).outcome).toBe('deleted');
      expect(pool.users.size).toBe(0);
    });

    it("never deletes somebody else who holds the email now, on a tombstone of the email's former owner", async () => {
      const { pool, apply, byEmail } = emailPool();
      const gone = emailUser();
      const newcomer = emailUser({ username: 'home-sub-2', sub: 'home-sub-2' });
      await apply(newcomer, 'INSERT');
      const tombstone = { ...gone, version: 2, deleted: true, deletedAt: T0 + 1, expiresAt: 1 };
      expect((await apply(tombstone, 'MODIFY', gone)).outcome).toBe('unchanged');
      expect(pool.users.size).toBe(1);
      expect(byEmail('ada@example.com')?.attributes['custom:source_sub']).toBe('home-sub-2');
    });

    it('creates by the sign-in attribute the pool takes when the user has both an email and a phone number', async () => {
      const { pool, apply } = emailPool({ usernameAttributes: ['phone_number'] });
      const record = emailUser({
        attributes: { email: 'ada@example.com', phone_number: '+15555550123', phone_number_verified: 'true' },
      });
      expect((await apply(record, 'INSERT')).outcome).toBe('created');
      expect(pool.createInputs.map((input) => input.Username)).toEqual(['+15555550123']);
      expect(pool.findUser('+15555550123')?.attributes['custom:source_sub']).toBe('home-sub-1');
    });
  });
});
