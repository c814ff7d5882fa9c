// Reads and writes user records in the replication table; every write is conditional so the newest snapshot wins.
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentWriteError, isErrorNamed } from './errors';
import { recordFromItem, recordToItem, sameSnapshot, tombstoneFor } from './record-mapper';
import { TABLE_KEY, type UserRecord } from './user-record';

/** What happened to a snapshot handed to the store. */
export type StoreResult = {
  result: 'written' | 'unchanged' | 'stale' | 'tombstoned' | 'absent';
  /** The version now in the table (absent for 'absent'). */
  version?: number;
  /** The record now in the table (absent for 'absent'). */
  record?: UserRecord;
};

/** Bounded so a hot user cannot keep a caller spinning; each round re-reads, so a few are plenty. */
export const MAX_WRITE_ATTEMPTS = 5;

/** The current record of a user, read consistently, or null when the table has none. */
export async function getRecord(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
): Promise<UserRecord | null> {
  const { Item } = await table.send(
    new GetCommand({ TableName: tableName, Key: { [TABLE_KEY]: username }, ConsistentRead: true }),
  );
  return Item ? recordFromItem(Item) : null;
}

/** BatchGetItem's own limit on keys per request. */
export const BATCH_GET_LIMIT = 100;

/**
 * The current records of many users, read consistently with one BatchGetItem per 100 users: a user the table
 * does not hold maps to null. Users DynamoDB left unprocessed (throttling) or whose item does not parse are
 * left out of the map, so the caller reads them one by one and meets the same error in that user's context.
 */
export async function getRecords(
  table: DynamoDBDocumentClient,
  tableName: string,
  usernames: Iterable<string>,
): Promise<Map<string, UserRecord | null>> {
  const unique = [...new Set(usernames)];
  const found = new Map<string, UserRecord | null>();
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    const chunk = unique.slice(start, start + BATCH_GET_LIMIT);
    const { Responses, UnprocessedKeys } = await table.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: { Keys: chunk.map((username) => ({ [TABLE_KEY]: username })), ConsistentRead: true },
        },
      }),
    );
    const unprocessed = new Set(
      (UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => String(key[TABLE_KEY])),
    );
    const items = new Map((Responses?.[tableName] ?? []).map((item) => [String(item[TABLE_KEY]), item]));
    for (const username of chunk) {
      if (unprocessed.has(username)) continue;
      const item = items.get(username);
      if (!item) {
        found.set(username, null);
        continue;
      }
      try {
        found.set(username, recordFromItem(item));
      } catch {
        // left out: the caller's own read of this user reports the format error where it belongs
      }
    }
  }
  return found;
}

/**
 * Stores a fresh snapshot unless the table already holds a newer one ('stale') or the same content from the same
 * region ('unchanged': no write, so no new version and no stream record for the other region to chew on). The
 * same content read in another region than the one that wrote the record is written: that region's pool now has
 * the user as the record says (a failback, a migration), and the record says so from then on.
 */
export function storeSnapshot(
  table: DynamoDBDocumentClient,
  tableName: string,
  snapshot: UserRecord,
): Promise<StoreResult> {
  return writeWithRetry(table, tableName, snapshot.username, (current) => {
    if (current && current.updatedAt >= snapshot.updatedAt) return { result: 'stale' };
    if (current && sameSnapshot(current, snapshot) && current.origin === snapshot.origin) {
      return { result: 'unchanged' };
    }
    return { write: snapshot, result: 'written' };
  });
}

/**
 * Turns the user's record into a tombstone. The tombstone is rebuilt from whatever the table holds at each
 * attempt, so it always keeps the latest attributes. 'absent' when there is nothing to bury.
 */
export function storeTombstone(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
  { origin, now }: { origin: string; now: number },
): Promise<StoreResult> {
  return writeWithRetry(table, tableName, username, (current) => {
    if (!current || current.deleted === true) return { result: 'absent' };
    if (current.updatedAt >= now) return { result: 'stale' };
    return { write: tombstoneFor(current, { origin, now }), result: 'tombstoned' };
  });
}

type Decision = { result: StoreResult['result']; write?: UserRecord };

async function writeWithRetry(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
  decide: (current: UserRecord | null) => Decision,
): Promise<StoreResult> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await getRecord(table, tableName, username);
    const decision = decide(current);
    if (!decision.write) {
      return decision.result === 'absent' || !current
        ? { result: decision.result }
        : { result: decision.result, version: current.version, record: current };
    }
    const record: UserRecord = { ...decision.write, version: (current?.version ?? 0) + 1 };
    try {
      await table.send(
        new PutCommand({
          TableName: tableName,
          Item: recordToItem(record),
          // Lost-update guard: the item must still be the one decided on, and must not have been overtaken by a
          // snapshot read later than ours while we were deciding.
          ConditionExpression: 'attribute_not_exists(#username) OR (#version = :prev AND #updatedAt < :now)',
          ExpressionAttributeNames: {
            '#username': TABLE_KEY,
            '#version': 'version',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: { ':prev': current?.version ?? 0, ':now': record.updatedAt },
        }),
      );
      return { result: decision.result, version: record.version, record };
    } catch (error) {
      // Another writer got in between our read and our write: re-read and decide again.
      if (isErrorNamed(error, 'ConditionalCheckFailedException')) continue;
      throw error;
    }
  }
  throw new ConcurrentWriteError(MAX_WRITE_ATTEMPTS);
}
