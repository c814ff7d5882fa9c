// Reads a user pool page by page: users through ListUsers, group memberships through the group listings.
import {
  type CognitoIdentityProviderClient,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';

/** The largest page Cognito's list calls accept; asking for more is an InvalidParameterException. */
export const COGNITO_PAGE_SIZE = 60;

export interface UserPage {
  users: UserType[];
  /** Token of the next page; absent on the last one. */
  nextToken?: string;
}

/**
 * One page of ListUsers. Real Cognito returns at most 60 users and a PaginationToken; cognito-local ignores both
 * and returns every user at once without a token. Callers follow `nextToken` until it is absent, which is right
 * for both.
 */
export async function listUsersPage(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  token: string | undefined,
): Promise<UserPage> {
  const page = await cognito.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Limit: COGNITO_PAGE_SIZE, PaginationToken: token }),
  );
  return { users: page.Users ?? [], nextToken: page.PaginationToken || undefined };
}

/** Every user of the pool. */
export async function listAllUsers(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<UserType[]> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    const page = await listUsersPage(cognito, userPoolId, token);
    users.push(...page.users);
    token = page.nextToken;
  } while (token);
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
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(
      new ListGroupsCommand({ UserPoolId: userPoolId, Limit: COGNITO_PAGE_SIZE, NextToken: nextToken }),
    );
    for (const group of page.Groups ?? []) if (group.GroupName) groups.push(group.GroupName);
    nextToken = page.NextToken || undefined;
  } while (nextToken);

  const memberships = new Map<string, string[]>();
  for (const group of groups) {
    let token: string | undefined;
    do {
      const page = await cognito.send(
        new ListUsersInGroupCommand({
          UserPoolId: userPoolId,
          GroupName: group,
          Limit: COGNITO_PAGE_SIZE,
          NextToken: token,
        }),
      );
      for (const user of page.Users ?? []) {
        if (!user.Username) continue;
        const list = memberships.get(user.Username) ?? [];
        list.push(group);
        memberships.set(user.Username, list);
      }
      token = page.NextToken || undefined;
    } while (token);
  }
  for (const list of memberships.values()) list.sort();
  return memberships;
}

/** Attributes of a listed user as a name -> value map (all of them, sub included). */
export function attributesOf(user: UserType): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { Name, Value } of user.Attributes ?? [])
    if (Name !== undefined && Value !== undefined) map[Name] = Value;
  return map;
}
