// Which users reset their password in a region, and when, kept in that region's state table: after a failback the
// report says how many reset theirs during the failover (their pre-failover password works again in the primary).
// One item per user (keyed by userRef, never the username), kept 90 days.
import { PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { userRef } from './log-safe';
import type { StateTable } from './state-table';

const PASSWORD_RESET_PK = 'password-reset';
const KEEP_SECONDS = 90 * 24 * 3600;

export async function notePasswordReset(state: StateTable, username: string, now: number): Promise<void> {
  await state.table.send(
    new PutCommand({
      TableName: state.tableName,
      Item: {
        pk: PASSWORD_RESET_PK,
        sk: userRef(username),
        at: now,
        expiresAt: Math.floor(now / 1000) + KEEP_SECONDS,
      },
    }),
  );
}

/** How many users reset their password in this region at or after `since` (epoch ms). */
export async function countPasswordResets(state: StateTable, since: number): Promise<number> {
  let count = 0;
  for await (const page of paginateQuery(
    { client: state.table },
    {
      TableName: state.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#at >= :since',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':pk': PASSWORD_RESET_PK, ':since': since },
    },
  )) {
    count += page.Count ?? 0;
  }
  return count;
}
