// The one way to write a user pool's settings. UpdateUserPool resets every setting it is not given to its default
// (triggers, policies, messages, MFA, email sender...), so each write starts from everything DescribeUserPool
// returned and changes only what it means to change. Posture, trigger installation and mirror all go through here.
import type { UpdateUserPoolRequest, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';

type FieldFate = 'carried' | 'renamed' | 'read-only';

/**
 * What becomes of each field DescribeUserPool returns. Exhaustive on purpose: a field a newer SDK adds fails to
 * compile here until someone decides whether UpdateUserPool takes it (and so must be handed it back).
 * Read-only: facts of the pool, or what Cognito fixes at creation (sign-in attributes, case sensitivity, schema;
 * custom attributes are added with AddCustomAttributes), or what other calls manage (domains).
 */
const DESCRIBED_FIELDS: Record<keyof UserPoolType, FieldFate> = {
  Id: 'read-only',
  Name: 'renamed',
  Policies: 'carried',
  DeletionProtection: 'carried',
  LambdaConfig: 'carried',
  Status: 'read-only',
  LastModifiedDate: 'read-only',
  CreationDate: 'read-only',
  SchemaAttributes: 'read-only',
  AutoVerifiedAttributes: 'carried',
  AliasAttributes: 'read-only',
  UsernameAttributes: 'read-only',
  SmsVerificationMessage: 'carried',
  EmailVerificationMessage: 'carried',
  EmailVerificationSubject: 'carried',
  VerificationMessageTemplate: 'carried',
  SmsAuthenticationMessage: 'carried',
  UserAttributeUpdateSettings: 'carried',
  MfaConfiguration: 'carried',
  DeviceConfiguration: 'carried',
  EstimatedNumberOfUsers: 'read-only',
  EmailConfiguration: 'carried',
  SmsConfiguration: 'carried',
  UserPoolTags: 'carried',
  SmsConfigurationFailure: 'read-only',
  EmailConfigurationFailure: 'read-only',
  Domain: 'read-only',
  CustomDomain: 'read-only',
  AdminCreateUserConfig: 'carried',
  UserPoolAddOns: 'carried',
  UsernameConfiguration: 'read-only',
  Arn: 'read-only',
  AccountRecoverySetting: 'carried',
  UserPoolTier: 'carried',
  // Must match what the pool has ("cannot be modified" in a secondary region): handed back as described.
  KeyConfiguration: 'carried',
  IssuerConfiguration: 'carried',
};

/** The settings UpdateUserPool takes under the same name as DescribeUserPool reports them. */
export const CARRIED_POOL_SETTINGS = (Object.keys(DESCRIBED_FIELDS) as (keyof UserPoolType)[]).filter(
  (key) => DESCRIBED_FIELDS[key] === 'carried',
) as (keyof UserPoolType & keyof UpdateUserPoolRequest)[];

/** What Cognito never lets an existing pool change; a difference here means a new pool. */
export const FIXED_AT_CREATION = (Object.keys(DESCRIBED_FIELDS) as (keyof UserPoolType)[]).filter(
  (key) => DESCRIBED_FIELDS[key] === 'read-only',
);

/**
 * The UpdateUserPool request that leaves a pool as DescribeUserPool showed it, but for `changes`. A change of
 * `undefined` is ignored (it would reset the setting); nothing read-only is sent back.
 */
export function poolUpdateRequest(
  described: UserPoolType,
  userPoolId: string,
  changes: Omit<Partial<UpdateUserPoolRequest>, 'UserPoolId'> = {},
): UpdateUserPoolRequest {
  const request: Record<string, unknown> = { UserPoolId: userPoolId };
  for (const key of CARRIED_POOL_SETTINGS) {
    if (described[key] !== undefined) request[key] = structuredClone(described[key]);
  }
  if (described.Name !== undefined) request.PoolName = described.Name;
  // Reported, but refused on update next to PasswordPolicy.TemporaryPasswordValidityDays, which replaced it.
  const adminCreate = request.AdminCreateUserConfig as { UnusedAccountValidityDays?: number } | undefined;
  if (adminCreate) delete adminCreate.UnusedAccountValidityDays;
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) request[key] = structuredClone(value);
  }
  return request as unknown as UpdateUserPoolRequest;
}
