// Changing a pool's posture changes what it verifies and hands every other setting back as it was.
import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { initialRoles } from '@cognito-dr/shared';
import { AUTO_VERIFIED, checkPosture, postureOfPool, postureUpdate } from './pool-posture';

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
    AutoVerifiedAttributes: AUTO_VERIFIED.active,
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

describe("a pool's posture against the roles", () => {
  const steady = initialRoles('us-east-1', 'ap-northeast-1');

  it('reads a pool that verifies nothing as standby and one that verifies anything as active', () => {
    expect(postureOfPool({ AutoVerifiedAttributes: [] })).toBe('standby');
    expect(postureOfPool({})).toBe('standby');
    expect(postureOfPool({ AutoVerifiedAttributes: ['phone_number'] })).toBe('active');
  });

  it('agrees when the pool is what its region role wants and the roles recorded it so', () => {
    expect(checkPosture(steady, 'us-east-1', 'active')).toEqual({
      expected: 'active',
      recorded: 'active',
      pool: 'active',
      agrees: true,
    });
    expect(checkPosture(steady, 'ap-northeast-1', 'standby').agrees).toBe(true);
  });

  it('does not agree with a backup left active after a failback, nor with a posture the roles call unknown', () => {
    const leftUnknown = {
      ...steady,
      posture: { 'us-east-1': 'active' as const, 'ap-northeast-1': 'unknown' as const },
    };
    expect(checkPosture(leftUnknown, 'ap-northeast-1', 'active')).toMatchObject({
      expected: 'standby',
      agrees: false,
    });
    // Set on standby after all, but the roles still say unknown: its consumer applies nothing.
    expect(checkPosture(leftUnknown, 'ap-northeast-1', 'standby').agrees).toBe(false);
    expect(checkPosture(steady, 'us-east-1', 'standby').agrees).toBe(false);
  });
});
