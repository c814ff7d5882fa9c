// Finds the username behind a `sub`, which is all CloudTrail says about users who change themselves, and the
// record key behind a username given in another casing than the pool reported.
import {
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  paginateListUsers,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  attributesOf,
  COGNITO_PAGE_SIZE,
  isErrorNamed,
  TABLE_KEY,
  USERNAME_LOWER_ATTRIBUTE,
} from '@cognito-dr/shared';

/** Quotes or backslashes would let a crafted value change the filter expression; a real sub has neither. */
const FILTERABLE = /^[0-9A-Za-z-]+$/;

/**
 * The pool user whose `sub` is this one, or undefined. ListUsers' `sub = "…"` filter answers with one call in real
 * Cognito (and in cognito-local); where a filter is refused, every page is read and compared instead.
 */
export async function usernameForSub(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  sub: string,
): Promise<string | undefined> {
  if (!FILTERABLE.test(sub)) return undefined;
  const matches = (user: UserType) => attributesOf(user).sub === sub;
  try {
    const { Users } = await cognito.send(
      new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub}"`, Limit: COGNITO_PAGE_SIZE }),
    );
    // Checked again here: an emulator that ignored the filter would otherwise hand back its first user.
    const found = (Users ?? []).find(matches);
    if (found || (Users ?? []).length <= 1) return found?.Username;
  } catch (error) {
    if (!isErrorNamed(error, 'InvalidParameterException')) throw error;
  }
  for await (const page of paginateListUsers(
    { client: cognito, pageSize: COGNITO_PAGE_SIZE },
    { UserPoolId: userPoolId },
  )) {
    const found = (page.Users ?? []).find(matches);
    if (found) return found.Username;
  }
  return undefined;
}

/** The table's index on `sub` (services/primary/serverless.yml), holding keys and the tombstone flag. */
export const SUB_INDEX = 'bySub';

/**
 * The username of the live record holding this `sub`: after a deletion the pool cannot answer any more, but the
 * record still names the user. One query on the `bySub` index; a tombstone is not a live record.
 */
export async function usernameOfRecordWithSub(
  table: DynamoDBDocumentClient,
  tableName: string,
  sub: string,
): Promise<string | undefined> {
  for await (const page of paginateQuery(
    { client: table },
    {
      TableName: tableName,
      IndexName: SUB_INDEX,
      KeyConditionExpression: '#sub = :sub',
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: { ':sub': sub },
    },
  )) {
    const found = (page.Items ?? []).find((item) => item.deleted !== true);
    if (found && typeof found[TABLE_KEY] === 'string') return found[TABLE_KEY];
  }
  return undefined;
}

/** The table's index on the lower-cased username (services/primary/serverless.yml): keys and the tombstone flag. */
const USERNAME_LOWER_INDEX = 'byUsernameLower';

/**
 * Keys of the live records whose username is this one in any casing. Pools ignore case, the table key does not:
 * a record is keyed by the spelling the pool reported when it was captured, which whoever names the user later
 * (CloudTrail's record of their call, an admin) need not repeat. One query: the casings of one name are a handful
 * of items, far below a 1 MB page.
 */
export async function liveRecordKeysIgnoringCase(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
): Promise<string[]> {
  const { Items } = await table.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: USERNAME_LOWER_INDEX,
      KeyConditionExpression: '#lower = :lower',
      ExpressionAttributeNames: { '#lower': USERNAME_LOWER_ATTRIBUTE },
      ExpressionAttributeValues: { ':lower': username.toLowerCase() },
    }),
  );
  return (Items ?? [])
    .filter((item) => item.deleted !== true && typeof item[TABLE_KEY] === 'string')
    .map((item) => item[TABLE_KEY] as string);
}
