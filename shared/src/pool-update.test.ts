// A write to a pool hands back every setting DescribeUserPool reported, changes only what it was asked to, and
// sends nothing UpdateUserPool refuses.
import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { CARRIED_POOL_SETTINGS, FIXED_AT_CREATION, poolUpdateRequest } from './pool-update';

const described: UserPoolType = {
  Id: 'us-east-1_adopted',
  Name: 'production',
  Arn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_adopted',
  CreationDate: new Date(0),
  LastModifiedDate: new Date(0),
  EstimatedNumberOfUsers: 30,
  UsernameAttributes: ['email'],
  UsernameConfiguration: { CaseSensitive: false },
  SchemaAttributes: [{ Name: 'email', Required: true }],
  Domain: 'production-login',
  Policies: { PasswordPolicy: { MinimumLength: 12, TemporaryPasswordValidityDays: 7 } },
  LambdaConfig: { PreTokenGeneration: 'arn:aws:lambda:us-east-1:123456789012:function:claims' },
  AutoVerifiedAttributes: ['email'],
  MfaConfiguration: 'OPTIONAL',
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 },
  KeyConfiguration: { KeyType: 'AWS_OWNED_KEY' },
  IssuerConfiguration: { Type: 'ORIGINAL' },
  UserPoolTags: { team: 'identity' },
};

it('hands back every setting, the pool name under the name UpdateUserPool takes', () => {
  const request = poolUpdateRequest(described, 'us-east-1_adopted');
  expect(request).toEqual({
    UserPoolId: 'us-east-1_adopted',
    PoolName: 'production',
    Policies: described.Policies,
    LambdaConfig: described.LambdaConfig,
    AutoVerifiedAttributes: ['email'],
    MfaConfiguration: 'OPTIONAL',
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    KeyConfiguration: { KeyType: 'AWS_OWNED_KEY' },
    IssuerConfiguration: { Type: 'ORIGINAL' },
    UserPoolTags: { team: 'identity' },
  });
});

it('changes only what it is asked to, and never the description it started from', () => {
  const request = poolUpdateRequest(described, 'us-east-1_adopted', {
    LambdaConfig: { PostConfirmation: 'arn:aws:lambda:us-east-1:123456789012:function:ours' },
    AutoVerifiedAttributes: undefined,
  });
  expect(request.LambdaConfig).toEqual({
    PostConfirmation: 'arn:aws:lambda:us-east-1:123456789012:function:ours',
  });
  expect(request.AutoVerifiedAttributes).toEqual(['email']);
  expect(described.AdminCreateUserConfig).toHaveProperty('UnusedAccountValidityDays', 7);
  expect(described.LambdaConfig).toEqual({
    PreTokenGeneration: 'arn:aws:lambda:us-east-1:123456789012:function:claims',
  });
});

it('sends nothing UpdateUserPool does not take', () => {
  const request = poolUpdateRequest(described, 'us-east-1_adopted');
  for (const key of FIXED_AT_CREATION) expect(request).not.toHaveProperty(key);
  expect(CARRIED_POOL_SETTINGS).not.toContain('Name');
  expect(FIXED_AT_CREATION).toEqual(expect.arrayContaining(['UsernameAttributes', 'UsernameConfiguration']));
});
