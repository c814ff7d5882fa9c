// Out-of-band capture fed with the recorded CloudTrail events under services/primary/events/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { getGroupRecord, recordFromItem } from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { PagingUserPool, uuidFor } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { GROUP_CHANGING_CALLS, USER_CHANGING_CALLS } from './api-call-signal';
import { type ApiCallDeps, onCognitoApiCall } from './capture-api-call';

const EVENTS = join(__dirname, '..', '..', 'services', 'primary', 'events');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(EVENTS, `on-cognito-api-call-${name}.json`), 'utf8'));

// The pool, region and subs the recorded fixtures name.
const POOL_ID = 'us-east-1_AbCdEf123';
const ALICE_SUB = '6f1c2d3e-4b5a-4789-8abc-1d2e3f405162';
const BOB_SUB = '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3';

const setUp = (options: { refusesFilters?: boolean } = {}) => {
  const pool = new PagingUserPool(options);
  const table = new ScannableTable();
  const clock = new FakeClock();
  pool.addUser({
    username: 'alice',
    enabled: true,
    status: 'CONFIRMED',
    attributes: { sub: ALICE_SUB, email: 'alice@example.com', 'custom:tier': 'gold' },
  });
  pool.addUser({ username: 'bob', enabled: true, status: 'CONFIRMED', attributes: { sub: BOB_SUB } });
  pool.addUsers(130, 'other-');
  let active = true;
  const standby = () => {
    active = false;
  };
  const logs: { level: string; message: string; fields?: unknown }[] = [];
  const metrics: { name: string; value: number }[] = [];
  const log = {
    info: (message: string, fields?: unknown) => logs.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: unknown) => logs.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: unknown) => logs.push({ level: 'error', message, fields }),
  };
  const deps: ApiCallDeps = {
    cognito: pool.client,
    table: table.client,
    userPoolId: POOL_ID,
    tableName: 'users',
    origin: 'us-east-1',
    region: 'us-east-1',
    now: () => clock.now(),
    isActive: async () => active,
  };
  const handle = onCognitoApiCall(
    deps,
    log as never,
    {
      addMetric: (name: string, _unit: unknown, value: number) => metrics.push({ name, value }),
    } as never,
  );
  /** Captures a user the normal way first, so there is a record to update or bury. */
  const captured = async (username: string) => {
    await onCognitoApiCall(
      deps,
      log as never,
      { addMetric: () => {} } as never,
    )({
      ...fixture('admin-add-user-to-group'),
      detail: {
        ...(fixture('admin-add-user-to-group').detail as object),
        requestParameters: { userPoolId: POOL_ID, username },
      },
    });
    clock.advance(1000);
  };
  const record = (username: string) => {
    const item = table.get(username);
    return item && recordFromItem(item);
  };
  return { pool, table, clock, logs, metrics, handle, captured, record, standby, deps };
};

describe('onCognitoApiCall, fed the recorded CloudTrail events', () => {
  it('has a fixture for every case it is tested with', () => {
    const files = readdirSync(EVENTS).filter((file) => file.startsWith('on-cognito-api-call-'));
    expect(files.length).toBeGreaterThanOrEqual(9);
  });

  it('captures the user of an admin call whose username CloudTrail redacted, found by the sub', async () => {
    const t = setUp();

    const outcome = await t.handle(fixture('admin-update-user-attributes'));

    expect(outcome).toEqual({
      outcome: 'captured',
      eventName: 'AdminUpdateUserAttributes',
      result: 'written',
    });
    expect(t.record('alice')).toMatchObject({ sub: ALICE_SUB, attributes: { 'custom:tier': 'gold' } });
    expect(t.pool.filters).toEqual([`sub = "${ALICE_SUB}"`]);
    expect(t.metrics).toEqual([{ name: 'ApiCallCaptured', value: 1 }]);
  });

  it('uses the username of an admin call when CloudTrail shows it, without a lookup', async () => {
    const t = setUp();
    t.pool.addGroup('gold');
    t.pool.groups.get('gold')?.add('alice');

    const outcome = await t.handle(fixture('admin-add-user-to-group'));

    expect(outcome).toMatchObject({ outcome: 'captured', result: 'written' });
    expect(t.record('alice')?.groups).toEqual(['gold']);
    expect(t.pool.calls).not.toContain('ListUsers');
  });

  it('re-reads the user rather than trusting the event: a disable is captured as the pool now has it', async () => {
    const t = setUp();
    await t.captured('alice');
    (t.pool.users.get('alice') as { enabled: boolean }).enabled = false;

    await t.handle(fixture('admin-disable-user'));

    expect(t.record('alice')).toMatchObject({ enabled: false, version: 2 });
  });

  it.each([
    ['update-user-attributes', 'UpdateUserAttributes'],
    ['confirm-sign-up', 'ConfirmSignUp'],
  ])(
    'captures a user who changed themselves (%s): no pool id, no username, only the sub',
    async (name, eventName) => {
      const t = setUp();
      await t.captured('alice');
      (t.pool.users.get('alice') as { attributes: Record<string, string> }).attributes.name = 'Alice A.';

      const outcome = await t.handle(fixture(name));

      expect(outcome).toEqual({ outcome: 'captured', eventName, result: 'written' });
      expect(t.record('alice')?.attributes.name).toBe('Alice A.');
      // A captured user is found through the table's sub index: the pool's ListUsers quota is left alone.
      expect(t.pool.calls).not.toContain('ListUsers');
      expect(t.table.calls).toContain('QueryCommand');
    },
  );

  it.each([
    [
      'admin-set-user-mfa-preference',
      'AdminSetUserMFAPreference',
      { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' },
    ],
    ['set-user-mfa-preference', 'SetUserMFAPreference', { enabled: ['EMAIL_OTP', 'SOFTWARE_TOKEN_MFA'] }],
  ] as const)(
    'captures a change of MFA preference (%s): the record carries the settings the pool now reports',
    async (name, eventName, mfa) => {
      const t = setUp();
      await t.captured('alice');
      expect(t.record('alice')?.mfa).toBeUndefined();
      const alice = t.pool.users.get('alice') as { mfa?: unknown };
      alice.mfa = { enabled: [...mfa.enabled], ...('preferred' in mfa ? { preferred: mfa.preferred } : {}) };

      const outcome = await t.handle(fixture(name));

      expect(outcome).toEqual({ outcome: 'captured', eventName, result: 'written' });
      expect(t.record('alice')?.mfa).toEqual(mfa);
    },
  );

  it.each([
    ['admin-delete-user', 'AdminDeleteUser'],
    ['delete-user', 'DeleteUser'],
  ])(
    'turns a deleted user into a tombstone (%s), finding the username through the record',
    async (name, eventName) => {
      const t = setUp();
      await t.captured('bob');
      t.pool.users.delete('bob');

      const outcome = await t.handle(fixture(name));

      expect(outcome).toEqual({ outcome: 'captured', eventName, result: 'tombstoned' });
      expect(t.record('bob')).toMatchObject({ deleted: true, sub: BOB_SUB });
      expect(t.record('alice')).toBeUndefined();
      // Found through the sub index, never by scanning the whole table.
      expect(t.table.calls).toContain('QueryCommand');
      expect(t.table.calls).not.toContain('ScanCommand');
    },
  );

  it.each([
    ['without the sub', {}],
    ['with the sub', { additionalEventData: { sub: BOB_SUB } }],
  ])('tombstones the record of a deleted user CloudTrail names in another casing (%s)', async (_, extra) => {
    const t = setUp();
    await t.captured('bob');
    t.pool.users.delete('bob');
    const event = fixture('admin-delete-user');
    const detail = event.detail as Record<string, unknown>;
    event.detail = {
      ...detail,
      additionalEventData: {},
      requestParameters: { userPoolId: POOL_ID, username: 'BOB' },
      ...extra,
    };

    const outcome = await t.handle(event);

    expect(outcome).toEqual({ outcome: 'captured', eventName: 'AdminDeleteUser', result: 'tombstoned' });
    expect(t.record('bob')).toMatchObject({ deleted: true, sub: BOB_SUB });
    expect(t.table.get('BOB')).toBeUndefined();
  });

  it('ignores the replica calling AdminCreateUser on the backup pool in the backup region', async () => {
    const t = setUp();

    const outcome = await t.handle(fixture('backup-region'));

    expect(outcome).toEqual({ outcome: 'ignored', reason: 'other-region', eventName: 'AdminCreateUser' });
    expect(t.pool.calls).toEqual([]);
    expect(t.table.calls).toEqual([]);
    expect(t.metrics).toEqual([{ name: 'ApiCallIgnored', value: 1 }]);
  });

  it('captures nothing while its region is standby: that pool changes only through replication', async () => {
    const t = setUp();
    t.standby();
    expect(await t.handle(fixture('admin-disable-user'))).toEqual({
      outcome: 'ignored',
      reason: 'standby-region',
      eventName: 'AdminDisableUser',
    });
    expect(t.table.items.size).toBe(0);
  });

  it('tombstones a user deleted in a pool where their record names their home sub, by the sub it remembered', async () => {
    const t = setUp();
    const remembered = new Map<string, string>();
    // Bob was created here from a record of the other region: linked to a home sub, with an own sub of this pool.
    (t.pool.users.get('bob') as { attributes: Record<string, string> }).attributes['custom:source_sub'] =
      'home-sub';
    await onCognitoApiCall(
      {
        ...t.deps,
        notePoolSub: async (sub, username) => {
          remembered.set(sub, username);
        },
      },
      { info: () => {}, warn: () => {}, error: () => {} } as never,
      { addMetric: () => {} } as never,
    )({
      ...fixture('admin-add-user-to-group'),
      detail: {
        ...(fixture('admin-add-user-to-group').detail as object),
        requestParameters: { userPoolId: POOL_ID, username: 'bob' },
      },
    });
    expect(t.record('bob')?.sub).toBe('home-sub');
    expect(remembered.get(BOB_SUB)).toBe('bob');
    t.pool.users.delete('bob');
    t.clock.advance(1000);

    const outcome = await onCognitoApiCall(
      { ...t.deps, usernameOfPoolSub: async (sub) => remembered.get(sub) },
      { info: () => {}, warn: () => {}, error: () => {} } as never,
      { addMetric: () => {} } as never,
    )(fixture('admin-delete-user'));

    expect(outcome).toEqual({ outcome: 'captured', eventName: 'AdminDeleteUser', result: 'tombstoned' });
    expect(t.record('bob')).toMatchObject({ deleted: true, sub: 'home-sub' });
  });

  it('ignores another pool of the primary region', async () => {
    const t = setUp();

    expect(await t.handle(fixture('other-pool'))).toMatchObject({ outcome: 'ignored', reason: 'other-pool' });
    expect(t.pool.calls).toEqual([]);
  });

  it('ignores a sub it cannot place in this pool (a token call of another pool in the same region)', async () => {
    const t = setUp();
    const event = fixture('update-user-attributes');
    (event.detail as { additionalEventData: { sub: string } }).additionalEventData.sub =
      'ffffffff-ffff-4fff-8fff-ffffffffffff';

    expect(await t.handle(event)).toEqual({ outcome: 'unresolved', eventName: 'UpdateUserAttributes' });
    // Looked up in the table's sub index, then in the pool; nothing written.
    expect(t.table.calls).toEqual(['QueryCommand']);
    expect(t.pool.filters).toEqual(['sub = "ffffffff-ffff-4fff-8fff-ffffffffffff"']);
  });

  it('still finds the user where ListUsers refuses the sub filter, by reading every page', async () => {
    const t = setUp({ refusesFilters: true });
    // The user behind the event's sub is the last of 132 listed, on the third page of 60.
    const last = 'other-0129';
    const event = fixture('update-user-attributes');
    (event.detail as { additionalEventData: { sub: string } }).additionalEventData.sub = uuidFor(last);

    const outcome = await t.handle(event);

    expect(outcome).toMatchObject({ outcome: 'captured' });
    expect(t.record(last)).toMatchObject({
      sub: uuidFor(last),
      attributes: { email: `${last}@example.com` },
    });
    // One refused filtered call, then every page in turn.
    expect(t.pool.filters).toEqual([`sub = "${uuidFor(last)}"`]);
    expect(t.pool.calls.filter((call) => call === 'ListUsers')).toHaveLength(1 + 3);
  });

  it('ignores failed calls and calls that do not change users', async () => {
    const t = setUp();
    const failed = fixture('admin-disable-user');
    (failed.detail as Record<string, unknown>).errorCode = 'UserNotFoundException';
    const signIn = fixture('confirm-sign-up');
    (signIn.detail as Record<string, unknown>).eventName = 'InitiateAuth';

    expect(await t.handle(failed)).toMatchObject({ outcome: 'ignored', reason: 'failed-call' });
    expect(await t.handle(signIn)).toMatchObject({ outcome: 'ignored', reason: 'not-a-user-change' });
    expect(t.pool.calls).toEqual([]);
  });

  it.each([
    ['nothing', undefined],
    ['an empty object', {}],
    ['another service', { ...fixture('admin-disable-user'), source: 'aws.s3' }],
    [
      'no event name',
      { ...fixture('admin-disable-user'), detail: { eventSource: 'cognito-idp.amazonaws.com' } },
    ],
    [
      'no user at all',
      {
        ...fixture('admin-disable-user'),
        detail: {
          ...(fixture('admin-disable-user').detail as object),
          additionalEventData: {},
          requestParameters: {},
        },
      },
    ],
  ])('logs and counts a malformed event (%s) without throwing', async (_, event) => {
    const t = setUp();

    expect(await t.handle(event)).toMatchObject({ outcome: 'malformed' });
    expect(t.metrics).toEqual([{ name: 'ApiCallMalformed', value: 1 }]);
    expect(t.logs).toEqual([
      { level: 'warn', message: expect.any(String), fields: { reason: expect.any(String) } },
    ]);
  });

  it('rethrows a throttled read so Lambda retries the event, and gives up quietly on a record it cannot read', async () => {
    const t = setUp();
    t.pool.failNext('AdminGetUser', new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    await expect(t.handle(fixture('admin-add-user-to-group'))).rejects.toThrow(TooManyRequestsException);

    t.table.put({ username: 'alice', schemaVersion: 99 });
    expect(await t.handle(fixture('admin-add-user-to-group'))).toEqual({
      outcome: 'failed',
      eventName: 'AdminAddUserToGroup',
      error: 'UnsupportedSchemaError',
    });
    expect(t.metrics.filter((m) => m.name === 'ApiCallFailed')).toHaveLength(2);
  });

  it('never logs a username, a sub or an attribute value', async () => {
    const t = setUp();
    for (const name of [
      'admin-update-user-attributes',
      'admin-add-user-to-group',
      'update-user-attributes',
      'other-pool',
    ]) {
      await t.handle(fixture(name));
    }
    t.pool.users.delete('bob');
    await t.handle(fixture('admin-delete-user'));

    const logged = JSON.stringify(t.logs);
    for (const secret of ['alice', 'bob', 'example.com', 'gold', ALICE_SUB, BOB_SUB]) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('onCognitoApiCall, fed the recorded CloudTrail events of group calls', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/cognito-readers';

  it('records a created group with its description, precedence and role, as the pool has it', async () => {
    const t = setUp();
    t.pool.addGroup('readers', { Description: 'May read reports', Precedence: 5, RoleArn: ROLE });

    const outcome = await t.handle(fixture('create-group'));

    expect(outcome).toEqual({ outcome: 'captured', eventName: 'CreateGroup', result: 'written' });
    expect(await getGroupRecord(t.table.client, 'users', 'readers')).toMatchObject({
      description: 'May read reports',
      precedence: 5,
      roleArn: ROLE,
      origin: 'us-east-1',
      poolId: POOL_ID,
      version: 1,
    });
    expect(t.pool.calls).toEqual(['GetGroup']);
  });

  it('follows an update, and buries the group once the pool no longer has it', async () => {
    const t = setUp();
    t.pool.addGroup('readers', { Description: 'May read reports', Precedence: 5, RoleArn: ROLE });
    await t.handle(fixture('create-group'));
    t.clock.advance(1000);
    // Read from the pool, not from the event: an UpdateGroup that left the role out cleared it.
    t.pool.groupInfo.set('readers', { Description: 'May read every report', Precedence: 2 });

    expect(await t.handle(fixture('update-group'))).toMatchObject({ result: 'written' });
    const updated = await getGroupRecord(t.table.client, 'users', 'readers');
    expect(updated).toMatchObject({ description: 'May read every report', precedence: 2, version: 2 });
    expect(updated).not.toHaveProperty('roleArn');

    t.clock.advance(1000);
    t.pool.groups.delete('readers');
    expect(await t.handle(fixture('delete-group'))).toMatchObject({ result: 'tombstoned' });
    expect(await getGroupRecord(t.table.client, 'users', 'readers')).toMatchObject({
      deleted: true,
      version: 3,
    });
  });

  it('leaves alone group calls of another pool, and of a standby region', async () => {
    const t = setUp();
    t.pool.addGroup('readers');
    const event = fixture('create-group');
    const elsewhere = {
      ...event,
      detail: {
        ...(event.detail as Record<string, unknown>),
        requestParameters: { userPoolId: 'us-east-1_Other', groupName: 'readers' },
      },
    };

    expect(await t.handle(elsewhere)).toMatchObject({ outcome: 'ignored', reason: 'other-pool' });
    t.standby();
    expect(await t.handle(event)).toMatchObject({ outcome: 'ignored', reason: 'standby-region' });
    expect(t.table.items.size).toBe(0);
  });

  it('cannot place a group call whose group name CloudTrail hid, and says so', async () => {
    const t = setUp();
    const event = fixture('delete-group');
    const hidden = {
      ...event,
      detail: {
        ...(event.detail as Record<string, unknown>),
        requestParameters: { userPoolId: POOL_ID, groupName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      },
    };

    expect(await t.handle(hidden)).toEqual({ outcome: 'malformed', reason: 'no groupName' });
  });
});

it.each([
  ['user-changing-calls.json', USER_CHANGING_CALLS],
  ['group-changing-calls.json', GROUP_CHANGING_CALLS],
])(
  'the EventBridge rules of both services listen for exactly the calls this handler can read (%s)',
  (file, calls) => {
    const ruleList: string[] = JSON.parse(readFileSync(join(__dirname, '..', file), 'utf8'));
    expect([...ruleList].sort()).toEqual(Object.keys(calls).sort());
  },
);
