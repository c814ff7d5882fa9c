// Changing a pool's posture changes what it verifies and hands every other setting back as it was.
import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { initialRoles } from '@cognito-dr/shared';
import {
  checkPosture,
  identifiersOf,
  postureOfPool,
  postureUpdate,
  readingOfPool,
  setPoolPosture,
} from './pool-posture';

const described: UserPoolType = {
  Id: 'ap-northeast-1_backup',
  Name: 'cognito-dr-prod-backup',
  Arn: 'arn:aws:cognito-idp:ap-northeast-1:123456789012:userpool/ap-northeast-1_backup',
  Status: undefined,
  CreationDate: new Date(0),
  EstimatedNumberOfUsers: 1000,
  Policies: { PasswordPolicy: { MinimumLength: 12, TemporaryPasswordValidityDays: 7 } },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { PostConfirmation: 'arn:aws:lambda:ap-northeast-1:123456789012:function:capture' },
  AutoVerifiedAttributes: [],
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
  UserPoolTier: 'LITE',
  MfaConfiguration: 'OFF',
} as UserPoolType;

it('opens the pool to verification and keeps its triggers, policies and tier', () => {
  const request = postureUpdate(described, 'ap-northeast-1_backup', 'active');
  expect(request).toEqual({
    UserPoolId: 'ap-northeast-1_backup',
    PoolName: 'cognito-dr-prod-backup',
    Policies: described.Policies,
    DeletionProtection: 'ACTIVE',
    LambdaConfig: described.LambdaConfig,
    AutoVerifiedAttributes: ['email'],
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    AccountRecoverySetting: described.AccountRecoverySetting,
    UserPoolTier: 'LITE',
    MfaConfiguration: 'OFF',
  });
  // Read-only facts of the pool are not sent back.
  expect(request).not.toHaveProperty('Arn');
  expect(request).not.toHaveProperty('EstimatedNumberOfUsers');
});

it('closes it again without touching what it was given', () => {
  const request = postureUpdate(
    { ...described, AutoVerifiedAttributes: ['email'] },
    'ap-northeast-1_backup',
    'standby',
  );
  expect(request.AutoVerifiedAttributes).toEqual([]);
  expect(described.AdminCreateUserConfig).toHaveProperty('UnusedAccountValidityDays', 7);
});

describe('an active pool verifies what its users sign in with', () => {
  it('verifies the phone number in a pool of phone-number usernames, both in a pool that takes either', () => {
    expect(identifiersOf({ UsernameAttributes: ['phone_number'] })).toEqual(['phone_number']);
    expect(identifiersOf({ UsernameAttributes: ['phone_number', 'email'] })).toEqual([
      'email',
      'phone_number',
    ]);
    expect(identifiersOf({ AliasAttributes: ['phone_number', 'preferred_username'] })).toEqual([
      'phone_number',
    ]);
    expect(identifiersOf({ UsernameAttributes: ['email'] })).toEqual(['email']);
    // Plain usernames (or only a preferred_username alias): email, as the demo pool.
    expect(identifiersOf({})).toEqual(['email']);
    expect(identifiersOf({ AliasAttributes: ['preferred_username'] })).toEqual(['email']);
  });

  it('opens a phone pool to phone verification and closes it to nothing', () => {
    const phone = { ...described, UsernameAttributes: ['phone_number'] } as UserPoolType;
    expect(postureUpdate(phone, 'p', 'active').AutoVerifiedAttributes).toEqual(['phone_number']);
    expect(postureUpdate(phone, 'p', 'standby').AutoVerifiedAttributes).toEqual([]);
  });

  it('corrects an active phone pool that verifies email, and leaves one that verifies the phone alone', async () => {
    const updates: unknown[] = [];
    const pool = { ...described, UsernameAttributes: ['phone_number'], AutoVerifiedAttributes: ['email'] };
    const cognito = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        if (command.constructor.name === 'DescribeUserPoolCommand') {
          expect(command.input).toEqual({ UserPoolId: 'p' });
          return { UserPool: pool };
        }
        expect(command.constructor.name).toBe('UpdateUserPoolCommand');
        updates.push(command.input.AutoVerifiedAttributes);
        pool.AutoVerifiedAttributes = command.input.AutoVerifiedAttributes as string[];
        return {};
      },
    };
    expect(await setPoolPosture(cognito as never, 'p', 'active')).toBe('changed');
    expect(updates).toEqual([['phone_number']]);
    expect(await setPoolPosture(cognito as never, 'p', 'active')).toBe('unchanged');
    expect(updates).toHaveLength(1);
  });
});

describe("a pool's posture against the roles", () => {
  const steady = initialRoles('us-east-1', 'ap-northeast-1');
  const emailPool = (posture: 'active' | 'standby') =>
    readingOfPool({ AutoVerifiedAttributes: posture === 'active' ? ['email'] : [] });

  it('reads a pool that verifies nothing as standby and one that verifies anything as active', () => {
    expect(postureOfPool({ AutoVerifiedAttributes: [] })).toBe('standby');
    expect(postureOfPool({})).toBe('standby');
    expect(postureOfPool({ AutoVerifiedAttributes: ['phone_number'] })).toBe('active');
  });

  it('agrees when the pool is what its region role wants and the roles recorded it so', () => {
    expect(checkPosture(steady, 'us-east-1', emailPool('active'))).toEqual({
      expected: 'active',
      recorded: 'active',
      pool: 'active',
      verifies: ['email'],
      shouldVerify: ['email'],
      agrees: true,
    });
    expect(checkPosture(steady, 'ap-northeast-1', emailPool('standby')).agrees).toBe(true);
  });

  it('does not agree with a backup left active after a failback, nor with a posture the roles call unknown', () => {
    const leftUnknown = {
      ...steady,
      posture: { 'us-east-1': 'active' as const, 'ap-northeast-1': 'unknown' as const },
    };
    expect(checkPosture(leftUnknown, 'ap-northeast-1', emailPool('active'))).toMatchObject({
      expected: 'standby',
      agrees: false,
    });
    // Set on standby after all, but the roles still say unknown: its consumer applies nothing.
    expect(checkPosture(leftUnknown, 'ap-northeast-1', emailPool('standby')).agrees).toBe(false);
    expect(checkPosture(steady, 'us-east-1', emailPool('standby')).agrees).toBe(false);
  });

  it('does not agree with an active pool of phone-number users that verifies email instead', () => {
    const phone = (verifies: ('email' | 'phone_number')[]) =>
      readingOfPool({ UsernameAttributes: ['phone_number'], AutoVerifiedAttributes: verifies });
    expect(checkPosture(steady, 'us-east-1', phone(['email']))).toMatchObject({
      pool: 'active',
      verifies: ['email'],
      shouldVerify: ['phone_number'],
      agrees: false,
    });
    expect(checkPosture(steady, 'us-east-1', phone(['phone_number'])).agrees).toBe(true);
    expect(checkPosture(steady, 'ap-northeast-1', phone([])).agrees).toBe(true);
  });
});
