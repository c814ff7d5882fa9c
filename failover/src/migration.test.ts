// Migration into the primary pool of users who signed up elsewhere: who may come in, with what, and how the rest of
// their record follows on their first sign-in.
import { initialRoles, SOURCE_SUB_ATTRIBUTE, type UserRecord } from '@cognito-dr/shared';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import {
  adminAuthenticator,
  completeMigration,
  type MigrationDeps,
  MigrationRefusedError,
  onUserMigration,
} from './migration';

const PRIMARY = 'us-east-1';
const BACKUP = 'ap-northeast-1';

const record = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  username: 'new.user',
  schemaVersion: 1,
  sub: 'backup-sub-of-new.user',
  attributes: { email: 'new.user@example.com', email_verified: 'true', 'custom:tier': 'gold' },
  enabled: true,
  status: 'CONFIRMED',
  groups: ['staff'],
  updatedAt: 1_000,
  version: 3,
  origin: BACKUP,
  ...overrides,
});

const event = (
  triggerSource: UserMigrationTriggerEvent['triggerSource'],
  password = 'the-password',
): UserMigrationTriggerEvent =>
  ({
    version: '1',
    region: PRIMARY,
    userPoolId: 'us-east-1_primary',
    userName: 'new.user',
    callerContext: { awsSdkVersion: 'test', clientId: 'app' },
    triggerSource,
    request: { password, validationData: {}, clientMetadata: {} },
    response: {},
  }) as unknown as UserMigrationTriggerEvent;

const setUp = (options: { active?: boolean; stored?: UserRecord | null; accepts?: string } = {}) => {
  const logs: { message: string; fields: Record<string, unknown> }[] = [];
  const asked: string[] = [];
  const noted: string[] = [];
  const deps: MigrationDeps = {
    isActive: async () => options.active ?? true,
    readRecord: async () => (options.stored === undefined ? record() : options.stored),
    noteMigrating: async (migrating) => {
      noted.push(migrating.username);
    },
    authenticateElsewhere: async (username, password) => {
      asked.push(username);
      return password === (options.accepts ?? 'the-password');
    },
    log: {
      info: (message, fields) => logs.push({ message, fields }),
      warn: (message, fields) => logs.push({ message, fields }),
    },
  };
  return { migrate: onUserMigration(deps), logs, asked, noted, deps };
};

describe('onUserMigration', () => {
  it('creates a user who signs in with the password the other pool accepts, from the record, silently', async () => {
    const { migrate, asked } = setUp();
    const { response } = await migrate(event('UserMigration_Authentication'));
    expect(asked).toEqual(['new.user']);
    expect(response).toEqual({
      userAttributes: {
        email: 'new.user@example.com',
        email_verified: 'true',
        'custom:tier': 'gold',
        [SOURCE_SUB_ATTRIBUTE]: 'backup-sub-of-new.user',
      },
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
    });
  });

  it('lets a user who asks for a reset in, to prove their mailbox with the code, without asking for a password', async () => {
    const { migrate, asked } = setUp();
    const { response } = await migrate(event('UserMigration_ForgotPassword'));
    expect(asked).toEqual([]);
    expect(response.finalUserStatus).toBe('RESET_REQUIRED');
  });

  it.each(['UserMigration_Authentication', 'UserMigration_ForgotPassword'] as const)(
    'notes on the record that the user is migrating in before answering %s, and never when it refuses',
    async (trigger) => {
      const { migrate, noted } = setUp();
      await migrate(event(trigger));
      expect(noted).toEqual(['new.user']);

      const refused = setUp({ accepts: 'another' });
      await expect(refused.migrate(event('UserMigration_Authentication'))).rejects.toThrow(
        MigrationRefusedError,
      );
      expect(refused.noted).toEqual([]);
    },
  );

  it.each([
    ['no record', { stored: null }],
    ['a deleted user', { stored: record({ deleted: true, deletedAt: 1, expiresAt: 2 }) }],
    ['a disabled user', { stored: record({ enabled: false }) }],
  ])(
    'checks the password on the other pool before refusing %s, as it does for a wrong password',
    async (_case, options) => {
      const { migrate, asked } = setUp(options);
      await expect(migrate(event('UserMigration_Authentication'))).rejects.toThrow(MigrationRefusedError);
      expect(asked).toEqual(['new.user']);
    },
  );

  it.each([
    ['a wrong password', { accepts: 'another' }, 'password-refused'],
    ['no record', { stored: null }, 'no-live-record'],
    ['a deleted user', { stored: record({ deleted: true, deletedAt: 1, expiresAt: 2 }) }, 'no-live-record'],
    ['a disabled user', { stored: record({ enabled: false }) }, 'disabled'],
    ['a standby region', { active: false }, 'standby-region'],
  ])('refuses %s, and logs the reason without the username', async (_case, options, reason) => {
    const { migrate, logs } = setUp(options);
    await expect(migrate(event('UserMigration_Authentication'))).rejects.toThrow(MigrationRefusedError);
    expect(logs.at(-1)?.fields).toMatchObject({ reason });
    expect(JSON.stringify(logs)).not.toMatch(/new\.user/);
  });

  it('refuses a sign-in while the other pool is not configured yet', async () => {
    const { deps } = setUp();
    const migrate = onUserMigration({ ...deps, authenticateElsewhere: undefined });
    await expect(migrate(event('UserMigration_Authentication'))).rejects.toThrow(MigrationRefusedError);
  });
});

describe('adminAuthenticator', () => {
  const pool = new FakeUserPool();
  pool.addUser({ username: 'new.user', enabled: true, status: 'CONFIRMED', attributes: {} });

  it('passes the other pool’s verdict through, and throws what is not a verdict', async () => {
    const authenticate = adminAuthenticator(pool.client, 'ap-northeast-1_backup', 'migration-client');
    pool.failNext('AdminInitiateAuth', Object.assign(new Error('no'), { name: 'NotAuthorizedException' }));
    expect(await authenticate('new.user', 'wrong')).toBe(false);
    pool.failNext(
      'AdminInitiateAuth',
      Object.assign(new Error('slow'), { name: 'TooManyRequestsException' }),
    );
    await expect(authenticate('new.user', 'x')).rejects.toThrow('slow');
  });
});

describe('completeMigration', () => {
  const roles = initialRoles(PRIMARY, BACKUP);
  const setUpCompletion = (stored: UserRecord | null, active = true) => {
    const calls: string[] = [];
    const complete = completeMigration({
      region: PRIMARY,
      isActive: async () => active && roles.active === PRIMARY,
      readRecord: async () => stored,
      converge: async () => {
        calls.push('converge');
      },
      capture: async () => {
        calls.push('capture');
        return { result: 'written' };
      },
      log: { info: () => {}, warn: () => {} },
    });
    return { complete, calls };
  };
  const linked = { [SOURCE_SUB_ATTRIBUTE]: 'backup-sub-of-new.user' };

  it('gives a just-migrated user the groups and state of the record, then claims the record', async () => {
    const { complete, calls } = setUpCompletion(record());
    expect(await complete('new.user', linked)).toBe('completed');
    expect(calls).toEqual(['converge', 'capture']);
  });

  it('costs nothing for users born in this pool, and one read once the record is this region’s', async () => {
    const born = setUpCompletion(record());
    expect(await born.complete('old.user', {})).toBe('not-linked');
    const claimed = setUpCompletion(record({ origin: PRIMARY }));
    expect(await claimed.complete('new.user', linked)).toBe('current');
    expect([...born.calls, ...claimed.calls]).toEqual([]);
  });

  it('counts a completion whose snapshot was not written as failed, for the next sign-in to finish', async () => {
    const complete = completeMigration({
      region: PRIMARY,
      isActive: async () => true,
      readRecord: async () => record(),
      converge: async () => {},
      capture: async () => ({ result: 'awaiting-migration' }),
      log: { info: () => {}, warn: () => {} },
    });
    expect(await complete('new.user', linked)).toBe('failed');
  });

  it('never fails the sign-in it runs in', async () => {
    const { complete } = setUpCompletion(record());
    const failing = completeMigration({
      region: PRIMARY,
      isActive: async () => true,
      readRecord: async () => {
        throw Object.assign(new Error('unreachable'), { name: 'TimeoutError' });
      },
      converge: async () => {},
      capture: async () => ({ result: 'written' }),
      log: { info: () => {}, warn: () => {} },
    });
    expect(await failing('new.user', linked)).toBe('failed');
    expect(await complete('new.user', linked)).toBe('completed');
  });
});
