// Brings one region's pool up to the records its replica of the table holds, for the records written since a point
// in time by the regions given: what a failover applies before it opens the backup pool, and what a failback carries
// back into the primary. Reads the table, not the stream, so it works whatever happened to the stream and whatever
// the other region's state. Safe to repeat: each user converges to its newest record.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { type ApplyOutcome, convergeUser, createLimiter } from '@cognito-dr/apply';
import { errorName, getRecords, recordFromItem, type UserRecord } from '@cognito-dr/shared';

export interface UsersTable {
  table: DynamoDBDocumentClient;
  tableName: string;
}

export interface PoolHandle {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
}

export interface CatchUpOptions {
  /** Only records written by these regions are applied. */
  origins: string[];
  /** Only records written at or after this time (epoch ms). */
  since: number;
  /** Whether users the pool lacks are created (backup) or left to migrate in on first sign-in (primary). */
  createMissing: boolean;
  concurrency?: number;
  now: () => number;
  /** Called after each user, for progress. */
  onUser?: (done: number) => void;
  /** Remembers the own sub of each user created (see @cognito-dr/shared pool-subs). */
  notePoolSub?: (sub: string, username: string) => Promise<void>;
}

export interface CatchUpResult {
  /** Records looked at (written by those regions since then). */
  checked: number;
  /** Users the pool had not caught up with, now converged (usernames: for counting and --verbose only). */
  changed: string[];
  /** Users the pool lacks and never pre-creates: they migrate in on first sign-in. */
  awaitingMigration: string[];
  /** Users that could not be converged, by error name (run again). */
  failed: Record<string, number>;
  /** Items that are not valid records (see `cognito-dr verify`). */
  unreadable: number;
}

/** The records of `origins` written since `since`, read from the table with a filtered scan. */
export async function recordsWrittenSince(
  users: UsersTable,
  origins: string[],
  since: number,
): Promise<{ records: UserRecord[]; unreadable: number }> {
  const records: UserRecord[] = [];
  let unreadable = 0;
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#origin': 'origin' };
  const values: Record<string, unknown> = { ':since': since };
  origins.forEach((origin, index) => {
    values[`:o${index}`] = origin;
  });
  for await (const page of paginateScan(
    { client: users.table },
    {
      TableName: users.tableName,
      FilterExpression: `#updatedAt >= :since AND #origin IN (${origins.map((_, i) => `:o${i}`).join(', ')})`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    },
  )) {
    for (const item of page.Items ?? []) {
      try {
        records.push(recordFromItem(item));
      } catch {
        unreadable += 1;
      }
    }
  }
  return { records, unreadable };
}

export async function catchUp(
  users: UsersTable,
  pool: PoolHandle,
  options: CatchUpOptions,
): Promise<CatchUpResult> {
  const { records, unreadable } = await recordsWrittenSince(users, options.origins, options.since);
  const result: CatchUpResult = {
    checked: records.length,
    changed: [],
    awaitingMigration: [],
    failed: {},
    unreadable,
  };
  const limit = createLimiter(options.concurrency ?? 8);
  let done = 0;
  const count = (username: string, outcome: ApplyOutcome) => {
    if (outcome === 'awaiting-migration') result.awaitingMigration.push(username);
    else if (outcome !== 'unchanged') result.changed.push(username);
  };
  await Promise.all(
    records.map((record) =>
      limit(async () => {
        try {
          const { outcome } = await convergeUser(
            {
              cognito: pool.cognito,
              userPoolId: pool.userPoolId,
              createMissing: options.createMissing,
              now: options.now,
            },
            record,
          );
          count(record.username, outcome);
        } catch (error) {
          const name = errorName(error) ?? 'Error';
          result.failed[name] = (result.failed[name] ?? 0) + 1;
        }
        options.onUser?.(++done);
      }),
    ),
  );
  return result;
}

/**
 * The records `from` wrote since `since` that the other region's replica does not hold yet (its version is older or
 * it has none): what global-table replication still has to carry across.
 */
export async function notYetReplicated(
  from: UsersTable,
  to: UsersTable,
  origin: string,
  since: number,
): Promise<number> {
  const { records } = await recordsWrittenSince(from, [origin], since);
  let pending = 0;
  for (let start = 0; start < records.length; start += 100) {
    const chunk = records.slice(start, start + 100);
    const there = await getRecords(
      to.table,
      to.tableName,
      chunk.map((record) => record.username),
    );
    for (const record of chunk) {
      const copy = there.get(record.username);
      if (!copy || copy.updatedAt < record.updatedAt) pending += 1;
    }
  }
  return pending;
}
