// Reads one user, with every group it belongs to, from a user pool (the primary for capture, the backup for apply).
import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { isErrorNamed } from './errors';

export interface PoolUser {
  user: AdminGetUserCommandOutput;
  /** Group names, sorted. */
  groups: string[];
}

/** AdminListGroupsForUser's page size limit; fewer round trips for users in many groups. */
const GROUPS_PAGE_SIZE = 60;

/** The user and its groups, or null when the pool has no such user. */
export async function readPoolUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<PoolUser | null> {
  let user: AdminGetUserCommandOutput;
  try {
    user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (isErrorNamed(error, 'UserNotFoundException')) return null;
    throw error;
  }
  // The pool may have resolved an alias or a differently-cased name; its own username is the one to use.
  const canonical = user.Username ?? username;
  try {
    return { user, groups: await listUserGroups(cognito, userPoolId, canonical) };
  } catch (error) {
    // Deleted between the two calls: as far as this read is concerned the user is gone.
    if (isErrorNamed(error, 'UserNotFoundException')) return null;
    throw error;
  }
}

/** Every group of the user, following NextToken until the last page. */
export async function listUserGroups(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<string[]> {
  const groups: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        Limit: GROUPS_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    for (const group of page.Groups ?? []) {
      if (group.GroupName) groups.push(group.GroupName);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return groups.sort();
}
