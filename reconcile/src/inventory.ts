// Reads a whole pool at once, as records (primary) or as the replica sees backup users, for status and verify.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  attributesOf,
  listAllUsers,
  listGroupMemberships,
  recordFromCognitoUser,
  type TargetUserState,
  type UserRecord,
} from '@cognito-dr/shared';

export interface PrimaryInventory {
  /** Every user as the record a capture would write now, by username. */
  users: Map<string, UserRecord>;
  /** Users that cannot become a record (no sub: never seen in Cognito, but not worth a crash). */
  unreadable: number;
}

/** The primary pool as records. `cognito` should be paced: this lists the whole pool. */
export async function readPrimaryInventory(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  { origin, now }: { origin: string; now: number },
): Promise<PrimaryInventory> {
  const [listed, memberships] = await Promise.all([
    listAllUsers(cognito, userPoolId),
    listGroupMemberships(cognito, userPoolId),
  ]);
  const users = new Map<string, UserRecord>();
  let unreadable = 0;
  for (const user of listed) {
    try {
      const groups = memberships.get(user.Username ?? '') ?? [];
      const record = recordFromCognitoUser({ user, groups, origin, now });
      users.set(record.username, record);
    } catch {
      unreadable += 1;
    }
  }
  return { users, unreadable };
}

/** The backup pool as planConvergence sees each user, by username. */
export async function readBackupInventory(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<Map<string, TargetUserState>> {
  const [listed, memberships] = await Promise.all([
    listAllUsers(cognito, userPoolId),
    listGroupMemberships(cognito, userPoolId),
  ]);
  const users = new Map<string, TargetUserState>();
  for (const user of listed) {
    if (!user.Username) continue;
    users.set(user.Username, {
      attributes: attributesOf(user),
      enabled: user.Enabled !== false,
      status: user.UserStatus ?? 'UNKNOWN',
      groups: memberships.get(user.Username) ?? [],
    });
  }
  return users;
}
