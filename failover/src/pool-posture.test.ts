// Changing a pool's posture changes what it verifies and hands every other setting back as it was.
import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { AUTO_VERIFIED, postureUpdate } from './pool-posture';

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
