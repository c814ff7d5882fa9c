// Reads one user, with every group it belongs to, from a user pool (the primary for capture, the backup for apply).
import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  type CognitoIdentityProviderClient,
  paginateAdminListGroupsForUser,
} from '@aws-sdk/client-cognito-identity-provider';
import { linkedSub } from './convergence-plan';
import { isErrorNamed } from './errors';
import { attributesOf } from './pool-listing';
import { isNamedBySignIn, signInIdentifiers } from './user-naming';
import type { LinkedIdentity } from './user-record';

export interface PoolUser {
  user: AdminGetUserCommandOutput;
  /** Group names, sorted. */
  groups: string[];
}

/** AdminListGroupsForUser's page size limit; fewer round trips for users in many groups. */
const GROUPS_PAGE_SIZE = 60;

export interface ReadOptions {
  /**
   * Ask for the groups while the user is being read: one round trip less, for callers on a latency path whose
   * users nearly always exist (capture runs inside the user's sign-up). Costs a wasted groups call when the user
   * is absent, so callers that often look for users who are gone (the reconciler) leave it off.
   */
  concurrent?: boolean;
}

/**
 * The user and its groups, or null when the pool has no such user. The groups are read for the pool's own
 * username, which may differ from the one asked for (an alias or a differently-cased name).
 */
export async function readPoolUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
  options: ReadOptions = {},
): Promise<PoolUser | null> {
  // Settles to a value, never rejects: its error only counts once the user read has been judged.
  const early = options.concurrent
    ? listUserGroups(cognito, userPoolId, username).then(
        (groups) => ({ groups }),
        (error: unknown) => ({ error }),
      )
    : undefined;
  let user: AdminGetUserCommandOutput;
  try {
    user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (isErrorNamed(error, 'UserNotFoundException')) return null;
    throw error;
  }
  const canonical = user.Username ?? username;
  try {
    const read = await early;
    if (!read || canonical !== username) {
      return { user, groups: await listUserGroups(cognito, userPoolId, canonical) };
    }
    if ('error' in read) throw read.error;
    return { user, groups: read.groups };
  } catch (error) {
    // Deleted between the two calls: as far as this read is concerned the user is gone.
    if (isErrorNamed(error, 'UserNotFoundException')) return null;
    throw error;
  }
}

/** What a record says of its user that a pool can find it by. */
export interface RecordIdentity {
  username: string;
  sub: string;
  attributes: Record<string, string>;
  deleted?: boolean;
  /** Provider users linked to the user: a federated user's copy elsewhere is a native user named by that pool. */
  identities?: LinkedIdentity[];
}

/**
 * The pool user a record stands for, or null. Where the pool chose the name (isNamedBySignIn), the user is read by
 * each of their sign-in identifiers (the record's, then `alsoKnownAs`: names the pool may still know them by, such as
 * the email before a change), then by the home sub itself (their username in the pool they were born in), and the
 * first whose link is the record's sub is theirs. When none is, the user holding a live record's own identifier is
 * returned (someone else in the way: the caller's plan replaces them), or null; a tombstone's never is (it would
 * delete somebody else).
 */
export async function readRecordUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  record: RecordIdentity,
  options: ReadOptions & { alsoKnownAs?: readonly string[] } = {},
): Promise<PoolUser | null> {
  if (!isNamedBySignIn(record)) {
    const named = await readPoolUser(cognito, userPoolId, record.username, options);
    // A federated user's copy in a pool that names users by email or phone number is a native user of that pool's
    // naming: found, like the users of such pools, by sign-in identifier and link (the user of the name is not them).
    // Only a user linked to the record is taken so: whoever else holds the identifier is somebody else.
    if (!record.identities || (named && linkedSub(attributesOf(named.user)) === record.sub)) return named;
    return (await readLinkedUser(cognito, userPoolId, record, options, [])).linked ?? named;
  }
  const { linked, inTheWay } = await readLinkedUser(cognito, userPoolId, record, options, [record.sub]);
  return linked ?? inTheWay;
}

/**
 * The first pool user, read by each of the record's sign-in identifiers, then `alsoKnownAs`, then `more`, whose link
 * is the record's sub; and the first holding one of a live record's own identifiers, whoever they are.
 */
async function readLinkedUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  record: RecordIdentity,
  options: ReadOptions & { alsoKnownAs?: readonly string[] },
  more: readonly string[],
): Promise<{ linked: PoolUser | null; inTheWay: PoolUser | null }> {
  const own = signInIdentifiers(record.attributes);
  const candidates = [...new Set([...own, ...(options.alsoKnownAs ?? []), ...more])];
  let inTheWay: PoolUser | null = null;
  for (const candidate of candidates) {
    const found = await readPoolUser(cognito, userPoolId, candidate, options);
    if (!found) continue;
    if (linkedSub(attributesOf(found.user)) === record.sub) return { linked: found, inTheWay };
    if (inTheWay === null && record.deleted !== true && own.includes(candidate)) inTheWay = found;
  }
  return { linked: null, inTheWay };
}

/** Every group of the user, page after page. */
export async function listUserGroups(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<string[]> {
  const groups: string[] = [];
  for await (const page of paginateAdminListGroupsForUser(
    { client: cognito, pageSize: GROUPS_PAGE_SIZE },
    { UserPoolId: userPoolId, Username: username },
  )) {
    for (const group of page.Groups ?? []) {
      if (group.GroupName) groups.push(group.GroupName);
    }
  }
  return groups.sort();
}
