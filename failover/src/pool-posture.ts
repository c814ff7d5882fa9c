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
import { type Posture, poolUpdateRequest, type RegionRoles } from '@cognito-dr/shared';

/** What each posture verifies; the same lists the templates declare for the two modes. */
export const AUTO_VERIFIED: Record<'active' | 'standby', VerifiedAttributeType[]> = {
  active: ['email'],
  standby: [],
};

/** The UpdateUserPool request that changes only AutoVerifiedAttributes of a pool as DescribeUserPool shows it. */
export function postureUpdate(
  pool: UserPoolType,
  userPoolId: string,
  posture: 'active' | 'standby',
): UpdateUserPoolRequest {
  return poolUpdateRequest(pool, userPoolId, { AutoVerifiedAttributes: AUTO_VERIFIED[posture] });
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

/** What a pool's settings make it: one that verifies nothing is on standby, one that verifies anything is active. */
export function postureOfPool(pool: Pick<UserPoolType, 'AutoVerifiedAttributes'>): 'active' | 'standby' {
  return (pool.AutoVerifiedAttributes ?? []).length === 0 ? 'standby' : 'active';
}

/** The pool's posture as DescribeUserPool shows it now. */
export async function readPoolPosture(
  cognito: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
): Promise<'active' | 'standby'> {
  const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  if (!UserPool) throw new Error(`user pool ${userPoolId} not found`);
  return postureOfPool(UserPool);
}

export interface PostureCheck {
  /** What the roles want of the pool: active in the active region, standby in the other. */
  expected: 'active' | 'standby';
  /** What the last switch recorded of the pool ('unknown' when it could not set it). */
  recorded: Posture;
  /** What the pool's settings are now. */
  pool: 'active' | 'standby';
  agrees: boolean;
}

/**
 * Whether `region`'s pool is set up as the roles want, and recorded so: a pool left active after a failback (it
 * would message users) or one the roles call unknown (its consumer applies nothing) does not agree.
 */
export function checkPosture(roles: RegionRoles, region: string, pool: 'active' | 'standby'): PostureCheck {
  const expected = roles.active === region ? 'active' : 'standby';
  const recorded = roles.posture[region] ?? 'unknown';
  return { expected, recorded, pool, agrees: pool === expected && recorded === expected };
}
