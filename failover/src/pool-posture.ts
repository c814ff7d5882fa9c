// Sets a pool up for its role where a trigger cannot: which attributes Cognito verifies by sending a code. An active
// pool verifies what its users sign in with (email, phone_number or both; email in a pool of plain usernames), so
// new sign-ups and changed identifiers are verified; a standby pool verifies nothing, so applying a changed, still
// unverified email there sends nobody a code. The templates declare the same settings (backupPoolMode
// standby/active), so a deploy agrees with what failover set once it is given the same mode.
import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolRequest,
  type UserPoolType,
  type VerifiedAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Posture, poolUpdateRequest, type RegionRoles } from '@cognito-dr/shared';

type PoolIdentity = Pick<UserPoolType, 'UsernameAttributes' | 'AliasAttributes'>;

const VERIFIABLE: readonly VerifiedAttributeType[] = ['email', 'phone_number'];

/**
 * What the pool's users sign in with that Cognito can verify, from settings fixed at the pool's creation: its
 * username or alias attributes. A pool of plain usernames (or preferred_username aliases) verifies email.
 */
export function identifiersOf(pool: PoolIdentity): VerifiedAttributeType[] {
  const named = [...(pool.UsernameAttributes ?? []), ...(pool.AliasAttributes ?? [])];
  const verifiable = VERIFIABLE.filter((attribute) => named.includes(attribute));
  return verifiable.length > 0 ? verifiable : ['email'];
}

/** What a pool verifies in a posture: its own identifiers when active, nothing on standby. */
export const autoVerifiedFor = (
  pool: PoolIdentity,
  posture: 'active' | 'standby',
): VerifiedAttributeType[] => (posture === 'active' ? identifiersOf(pool) : []);

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** The UpdateUserPool request that changes only AutoVerifiedAttributes of a pool as DescribeUserPool shows it. */
export function postureUpdate(
  pool: UserPoolType,
  userPoolId: string,
  posture: 'active' | 'standby',
): UpdateUserPoolRequest {
  return poolUpdateRequest(pool, userPoolId, { AutoVerifiedAttributes: autoVerifiedFor(pool, posture) });
}

/** Sets the pool's posture; a pool already set that way is left alone (no call, nothing reset). */
export async function setPoolPosture(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  posture: 'active' | 'standby',
): Promise<'changed' | 'unchanged'> {
  const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  if (!UserPool) throw new Error(`user pool ${userPoolId} not found`);
  if (sameSet(UserPool.AutoVerifiedAttributes ?? [], autoVerifiedFor(UserPool, posture))) return 'unchanged';
  await cognito.send(new UpdateUserPoolCommand(postureUpdate(UserPool, userPoolId, posture)));
  return 'changed';
}

/** What a pool's settings make it: one that verifies nothing is on standby, one that verifies anything is active. */
export function postureOfPool(pool: Pick<UserPoolType, 'AutoVerifiedAttributes'>): 'active' | 'standby' {
  return (pool.AutoVerifiedAttributes ?? []).length === 0 ? 'standby' : 'active';
}

/** A pool's posture as its settings make it, with what it verifies and what its users sign in with. */
export interface PoolReading {
  posture: 'active' | 'standby';
  verifies: VerifiedAttributeType[];
  identifiers: VerifiedAttributeType[];
}

export const readingOfPool = (
  pool: Pick<UserPoolType, 'AutoVerifiedAttributes' | 'UsernameAttributes' | 'AliasAttributes'>,
): PoolReading => ({
  posture: postureOfPool(pool),
  verifies: [...(pool.AutoVerifiedAttributes ?? [])],
  identifiers: identifiersOf(pool),
});

/** The pool's posture as DescribeUserPool shows it now. */
export async function readPoolPosture(
  cognito: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
): Promise<PoolReading> {
  const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  if (!UserPool) throw new Error(`user pool ${userPoolId} not found`);
  return readingOfPool(UserPool);
}

export interface PostureCheck {
  /** What the roles want of the pool: active in the active region, standby in the other. */
  expected: 'active' | 'standby';
  /** What the last switch recorded of the pool ('unknown' when it could not set it). */
  recorded: Posture;
  /** What the pool's settings are now. */
  pool: 'active' | 'standby';
  /** What the pool verifies now, and what the roles' posture wants it to verify. */
  verifies: VerifiedAttributeType[];
  shouldVerify: VerifiedAttributeType[];
  agrees: boolean;
}

/**
 * Whether `region`'s pool is set up as the roles want, and recorded so: a pool left active after a failback (it
 * would message users), one the roles call unknown (its consumer applies nothing), or an active pool verifying
 * something other than what its users sign in with (phone numbers nobody verifies) does not agree.
 */
export function checkPosture(roles: RegionRoles, region: string, pool: PoolReading): PostureCheck {
  const expected = roles.active === region ? 'active' : 'standby';
  const recorded = roles.posture[region] ?? 'unknown';
  const shouldVerify = expected === 'active' ? pool.identifiers : [];
  return {
    expected,
    recorded,
    pool: pool.posture,
    verifies: pool.verifies,
    shouldVerify,
    agrees: pool.posture === expected && recorded === expected && sameSet(pool.verifies, shouldVerify),
  };
}
