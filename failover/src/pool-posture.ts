// Sets a pool up for its role where a trigger cannot: which attributes Cognito verifies by sending a code. An active
// pool verifies email (new sign-ups, changed addresses); a standby pool verifies nothing, so applying a changed,
// still unverified email there sends nobody a code. The templates declare the same two settings
// (backupPoolMode standby/active), so a deploy agrees with what failover set once it is given the same mode.
import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolRequest,
  type UserPoolType,
  type VerifiedAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';

/** What each posture verifies; the same lists the templates declare for the two modes. */
export const AUTO_VERIFIED: Record<'active' | 'standby', VerifiedAttributeType[]> = {
  active: ['email'],
  standby: [],
};

/**
 * Every setting UpdateUserPool takes. UpdateUserPool resets whatever it is not given to its default (triggers,
 * policies, messages...), so a change of one setting must hand back all the others as DescribeUserPool reports them.
 */
const UPDATABLE = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
] as const satisfies readonly (keyof UpdateUserPoolRequest & keyof UserPoolType)[];

/** The UpdateUserPool request that changes only AutoVerifiedAttributes of a pool as DescribeUserPool shows it. */
export function postureUpdate(
  pool: UserPoolType,
  userPoolId: string,
  posture: 'active' | 'standby',
): UpdateUserPoolRequest {
  const request: Record<string, unknown> = { UserPoolId: userPoolId };
  for (const key of UPDATABLE) if (pool[key] !== undefined) request[key] = structuredClone(pool[key]);
  // The one setting named differently on the way in.
  if (pool.Name !== undefined) request.PoolName = pool.Name;
  // Reported, but refused on update next to PasswordPolicy.TemporaryPasswordValidityDays, which replaced it.
  const adminCreate = request.AdminCreateUserConfig as { UnusedAccountValidityDays?: number } | undefined;
  if (adminCreate) delete adminCreate.UnusedAccountValidityDays;
  request.AutoVerifiedAttributes = AUTO_VERIFIED[posture];
  return request as unknown as UpdateUserPoolRequest;
}

/** Sets the pool's posture; a pool already set that way is left alone (no call, nothing reset). */
export async function setPoolPosture(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  posture: 'active' | 'standby',
): Promise<'changed' | 'unchanged'> {
  const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  if (!UserPool) throw new Error(`user pool ${userPoolId} not found`);
  const current = [...(UserPool.AutoVerifiedAttributes ?? [])].sort();
  if (JSON.stringify(current) === JSON.stringify([...AUTO_VERIFIED[posture]].sort())) return 'unchanged';
  await cognito.send(new UpdateUserPoolCommand(postureUpdate(UserPool, userPoolId, posture)));
  return 'changed';
}
