// Reads the same users from the primary and the backup pool with plain SDK calls, independent of the code under
// test, to compare them attribute by attribute, flag by flag and group by group.
import {
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { inParallel } from './directly';
import { backupPool, primaryPool, stack } from './stack';

export interface SeenUser {
  attributes: Record<string, string>;
  enabled: boolean;
  status: string;
  groups: string[];
}

/** The named users a pool holds, as plain SDK calls see them (absent users are left out). */
export const readPool = async (
  pool: CognitoIdentityProviderClient,
  UserPoolId: string,
  usernames: string[],
): Promise<Map<string, SeenUser>> => {
  const listed: UserType[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await pool.send(new ListUsersCommand({ UserPoolId, Limit: 60, PaginationToken }));
    listed.push(...(page.Users ?? []));
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  const wanted = new Set(usernames);
  const users = new Map<string, SeenUser>();
  for (const user of listed) {
    if (!user.Username || !wanted.has(user.Username)) continue;
    users.set(user.Username, {
      attributes: Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name ?? '', a.Value ?? ''])),
      enabled: user.Enabled !== false,
      status: user.UserStatus ?? '',
      groups: [],
    });
  }
  await inParallel([...users.keys()], async (Username) => {
    const { Groups } = await pool.send(new AdminListGroupsForUserCommand({ UserPoolId, Username }));
    (users.get(Username) as SeenUser).groups = (Groups ?? []).map((g) => g.GroupName ?? '').sort();
  });
  return users;
};

/**
 * Each user as a pool that did not give birth to them should hold them (the backup pool, or the primary after a
 * restore): the home pool's attributes, with its sub kept as custom:source_sub.
 */
export const expectedBackup = (primary: SeenUser): SeenUser => {
  const { sub, ...attributes } = primary.attributes;
  return { ...primary, attributes: { ...attributes, 'custom:source_sub': sub ?? '' } };
};

/** A linked user as the pool holds them, without that pool's own sub (which no other pool can know). */
export const asBackupHolds = (backup: SeenUser): SeenUser => {
  const { sub: _ownSub, ...attributes } = backup.attributes;
  return { ...backup, attributes };
};

/** The users in both pools, side by side: `expected` from the primary, `actual` from the backup (null: absent). */
export const comparePools = async (usernames: string[]) => {
  const [primary, backup] = await Promise.all([
    readPool(primaryPool, stack.primary.userPoolId, usernames),
    readPool(backupPool, stack.backup.userPoolId, usernames),
  ]);
  const expected: Record<string, SeenUser | null> = {};
  const actual: Record<string, SeenUser | null> = {};
  for (const username of usernames) {
    const p = primary.get(username);
    const b = backup.get(username);
    expected[username] = p ? expectedBackup(p) : null;
    actual[username] = b ? asBackupHolds(b) : null;
  }
  return { expected, actual };
};
