// Reads a user pool page by page: users through ListUsers, group memberships through the group listings.
import {
  type CognitoIdentityProviderClient,
  paginateListGroups,
  paginateListUsers,
  paginateListUsersInGroup,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';

/** The largest page Cognito's list calls accept; asking for more is an InvalidParameterException. */
export const COGNITO_PAGE_SIZE = 60;

/**
 * Every user of the pool. Real Cognito returns at most 60 users a page with a PaginationToken; cognito-local ignores
 * both and returns every user at once without a token. The paginator follows the token until it is absent, which
 * is right for both.
 */
export async function listAllUsers(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<UserType[]> {
  const users: UserType[] = [];
  for await (const page of paginateListUsers(
    { client: cognito, pageSize: COGNITO_PAGE_SIZE },
    { UserPoolId: userPoolId },
  )) {
    users.push(...(page.Users ?? []));
  }
  return users;
}

/**
 * Group names by username, for every member of every group: a few list calls per group instead of one
 * AdminListGroupsForUser per user, which is what makes `status` and `verify` affordable on large pools.
 * ListGroups rather than GetGroup: cognito-local answers GetGroup with an internal error on a pool without groups.
 */
export async function listGroupMemberships(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<Map<string, string[]>> {
  const groups: string[] = [];
  for await (const page of paginateListGroups(
    { client: cognito, pageSize: COGNITO_PAGE_SIZE },
    { UserPoolId: userPoolId },
  )) {
    for (const group of page.Groups ?? []) if (group.GroupName) groups.push(group.GroupName);
  }

  const memberships = new Map<string, string[]>();
  for (const group of groups) {
    for await (const page of paginateListUsersInGroup(
      { client: cognito, pageSize: COGNITO_PAGE_SIZE },
      { UserPoolId: userPoolId, GroupName: group },
    )) {
      for (const user of page.Users ?? []) {
        if (!user.Username) continue;
        const list = memberships.get(user.Username) ?? [];
        list.push(group);
        memberships.set(user.Username, list);
      }
    }
  }
  for (const list of memberships.values()) list.sort();
  return memberships;
}

/**
 * Attributes of a listed user (or of one AdminGetUser read) as a name -> value map (all of them, sub included).
 */
export function attributesOf(
  user: Pick<UserType, 'Attributes'> | { UserAttributes?: UserType['Attributes'] },
) {
  const map: Record<string, string> = {};
  const list = 'UserAttributes' in user ? user.UserAttributes : 'Attributes' in user ? user.Attributes : [];
  for (const { Name, Value } of list ?? []) if (Name !== undefined && Value !== undefined) map[Name] = Value;
  return map;
}
