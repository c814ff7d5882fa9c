// A standby pool's triggers refuse the public; an active pool's pass everything through untouched.
import { type ApplyDeps, applyRecordChange, replicatorClient } from '@cognito-dr/apply';
import { initialRoles, RECORD_SCHEMA_VERSION, recordToItem, type UserRecord } from '@cognito-dr/shared';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { type FakePreSignUp, FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import type {
  CustomMessageTriggerEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
} from 'aws-lambda';
import { appClientByName } from './app-client-by-name';
import {
  onCustomMessage,
  onPreAuthentication,
  onPreSignUp,
  type PreSignUpDeps,
  SignUpRefusedError,
  StandbyPoolError,
} from './posture';

const message = { triggerSource: 'CustomMessage_ForgotPassword' } as CustomMessageTriggerEvent;
const signUp = (triggerSource: PreSignUpTriggerEvent['triggerSource']) =>
  ({
    triggerSource,
    request: { userAttributes: {} },
    response: { autoConfirmUser: false },
  }) as PreSignUpTriggerEvent;

it('an active pool sends its messages and takes sign-ups as they are', async () => {
  const deps = { isActive: async () => true };
  expect(await onCustomMessage(deps)(message)).toBe(message);
  const event = signUp('PreSignUp_SignUp');
  expect(await onPreSignUp(deps)(event)).toBe(event);
});

it('a standby pool refuses every message and every public sign-up, saying where to go instead', async () => {
  const deps = { isActive: async () => false };
  await expect(onCustomMessage(deps)(message)).rejects.toThrow(StandbyPoolError);
  await expect(onPreSignUp(deps)(signUp('PreSignUp_SignUp'))).rejects.toThrow(/standby.*active region/);
});

it('a standby pool still lets operators create users with AdminCreateUser', async () => {
  const event = signUp('PreSignUp_AdminCreateUser');
  expect(await onPreSignUp({ isActive: async () => false })(event)).toBe(event);
});

const REPLICATOR = 'cognito-dr-replicator';

function event(overrides: {
  clientId?: string;
  triggerSource?: PreSignUpTriggerEvent['triggerSource'];
  userAttributes?: Record<string, string>;
  clientMetadata?: Record<string, string>;
}): PreSignUpTriggerEvent {
  return {
    version: '1',
    region: 'ap-northeast-1',
    userPoolId: 'ap-northeast-1_pool',
    userName: 'alice',
    triggerSource: overrides.triggerSource ?? 'PreSignUp_SignUp',
    callerContext: { awsSdkVersion: '3', clientId: overrides.clientId ?? 'app' },
    request: {
      userAttributes: overrides.userAttributes ?? { email: 'alice@example.com' },
      ...(overrides.clientMetadata ? { clientMetadata: overrides.clientMetadata } : {}),
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  } as PreSignUpTriggerEvent;
}

const metadata = (emailVerified: boolean, phoneNumberVerified: boolean) => ({
  replication: 'cognito-dr/1',
  emailVerified: String(emailVerified),
  phoneNumberVerified: String(phoneNumberVerified),
});

function deps(standby: boolean): PreSignUpDeps {
  return {
    isReplicatorClient: async (_pool, clientId) => clientId === 'replicator',
    isActive: async () => !standby,
  };
}

describe('onPreSignUp of a pool with a replicator client', () => {
  it("confirms the replicator's sign-up and verifies only what the record has verified", async () => {
    const answer = await onPreSignUp(deps(true))(
      event({
        clientId: 'replicator',
        userAttributes: { email: 'alice@example.com', phone_number: '+4412' },
        clientMetadata: metadata(true, false),
      }),
    );
    expect(answer.response).toEqual({ autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false });
  });

  it("leaves a replicator's sign-up of a user the primary has not confirmed unconfirmed and unverified", async () => {
    const answer = await onPreSignUp(deps(true))(
      event({
        clientId: 'replicator',
        userAttributes: { email: 'alice@example.com' },
        clientMetadata: { ...metadata(true, false), confirmed: 'false' },
      }),
    );
    expect(answer.response).toEqual({
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
    });
  });

  it('verifies no contact the user does not have', async () => {
    const answer = await onPreSignUp(deps(true))(
      event({ clientId: 'replicator', userAttributes: {}, clientMetadata: metadata(true, true) }),
    );
    expect(answer.response).toMatchObject({ autoVerifyEmail: false, autoVerifyPhone: false });
  });

  it('refuses a replicator sign-up without its metadata', async () => {
    await expect(onPreSignUp(deps(true))(event({ clientId: 'replicator' }))).rejects.toThrow(
      /clientMetadata.replication/,
    );
  });

  it("refuses every other client's sign-up while the pool is on standby, saying where to sign up", async () => {
    const refused: string[] = [];
    const decide = onPreSignUp(deps(true), (outcome, reason) => {
      if (outcome === 'refused') refused.push(reason ?? '');
    });
    await expect(decide(event({ clientMetadata: metadata(true, true) }))).rejects.toThrow(
      new StandbyPoolError('this user pool is on standby and takes no sign-ups; use the active region'),
    );
    await expect(decide(event({ triggerSource: 'PreSignUp_ExternalProvider' }))).rejects.toThrow(
      StandbyPoolError,
    );
    expect(refused).toHaveLength(2);
  });

  it('lets the other clients sign users up, unconfirmed, once the pool is active, but never set the link', async () => {
    const decide = onPreSignUp(deps(false));
    const answer = await decide(event({ clientMetadata: metadata(true, true) }));
    expect(answer.response).toEqual({
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
    });
    await expect(
      decide(event({ userAttributes: { email: 'a@example.com', 'custom:source_sub': 'forged' } })),
    ).rejects.toThrow(new SignUpRefusedError('custom:source_sub: only replication may set it'));
  });

  it('lets administrators create users on standby (AdminCreateUser needs IAM rights on the pool)', async () => {
    const answer = await onPreSignUp(deps(true))(event({ triggerSource: 'PreSignUp_AdminCreateUser' }));
    expect(answer.response.autoConfirmUser).toBe(false);
  });
});

describe('a new backup user through the replicator client and the PreSignUp trigger', () => {
  it('ends CONFIRMED with the record, after one SignUp, so ForgotPassword will work for it', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'rep', name: REPLICATOR, secret: 'replicator-secret' });
    const decide = onPreSignUp({
      isReplicatorClient: appClientByName(pool.client, REPLICATOR),
      isActive: async () => false,
    });
    pool.preSignUp = (async (e) =>
      (await decide(e as unknown as PreSignUpTriggerEvent)).response) as FakePreSignUp;
    const table = new FakeTable();
    const record: UserRecord = {
      username: 'alice',
      schemaVersion: RECORD_SCHEMA_VERSION,
      sub: 'primary-sub',
      attributes: { email: 'alice@example.com', email_verified: 'true', 'custom:tier': 'gold' },
      enabled: true,
      status: 'CONFIRMED',
      groups: [],
      updatedAt: 1,
      version: 1,
      origin: 'us-east-1',
    };
    table.put(recordToItem(record));
    const applyDeps: ApplyDeps = {
      cognito: pool.client,
      table: table.client,
      userPoolId: pool.userPoolId,
      tableName: 'users',
      region: 'ap-northeast-1',
      roles: async () => initialRoles('us-east-1', 'ap-northeast-1'),
      createMissing: true,
      now: () => 2,
      breaker: null,
      replicator: replicatorClient(pool.client, pool.userPoolId, 'rep'),
    };
    await applyRecordChange(applyDeps, { username: 'alice', eventName: 'INSERT', newImage: record });
    expect(pool.calls.filter((call) => call === 'SignUp' || call.startsWith('Admin'))).toEqual(['SignUp']);
    expect(pool.state('alice')?.status).toBe('CONFIRMED');
    expect(mirrorMismatches(pool.state('alice'), record)).toEqual([]);
  });
});

it('a pool without a replicator client (the primary) confirms nobody on standby, whatever the metadata says', async () => {
  const decide = onPreSignUp({ isActive: async () => false });
  await expect(
    decide(event({ clientId: 'replicator', clientMetadata: metadata(true, true) })),
  ).rejects.toThrow(StandbyPoolError);
});

describe('onPreAuthentication', () => {
  const MIGRATION = 'cognito-dr-migration';
  const signIn = (clientId: string, userNotFound = false) =>
    ({
      version: '1',
      region: 'ap-northeast-1',
      userPoolId: 'ap-northeast-1_pool',
      userName: 'alice',
      triggerSource: 'PreAuthentication_Authentication',
      callerContext: { awsSdkVersion: '3', clientId },
      request: { userAttributes: {}, ...(userNotFound ? { userNotFound } : {}) },
      response: {},
    }) as PreAuthenticationTriggerEvent;

  it('an active pool signs everyone in, untouched', async () => {
    const event = signIn('app');
    expect(await onPreAuthentication({ isActive: async () => true })(event)).toBe(event);
  });

  it('a standby pool refuses every sign-in through the app clients, known user or not, saying where to go', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'app', name: 'cognito-dr-app' });
    pool.addAppClient({ clientId: 'migration', name: MIGRATION });
    const standby = onPreAuthentication({
      isActive: async () => false,
      isMigrationClient: appClientByName(pool.client, MIGRATION),
    });
    await expect(standby({ ...signIn('app'), userPoolId: pool.userPoolId })).rejects.toThrow(
      /standby and signs nobody in; use the active region/,
    );
    await expect(standby({ ...signIn('app', true), userPoolId: pool.userPoolId })).rejects.toThrow(
      StandbyPoolError,
    );
    // The migration check of the primary, after a failback: the backup is on standby and must answer it.
    const check = { ...signIn('migration'), userPoolId: pool.userPoolId };
    expect(await standby(check)).toBe(check);
  });

  it('a standby pool without a migration client (the primary while failed over) refuses that client id too', async () => {
    await expect(onPreAuthentication({ isActive: async () => false })(signIn('migration'))).rejects.toThrow(
      StandbyPoolError,
    );
  });
});
