// Reads and writes user and group records in the replication table; every write is conditional so the newest
// snapshot wins.
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentWriteError, isErrorNamed } from './errors';
import {
  GROUPS_INDEX_VALUE,
  type GroupRecord,
  groupKey,
  groupRecordFromItem,
  groupRecordToItem,
  groupTombstoneFor,
  sameGroup,
} from './group-record';
import { recordFromItem, recordToItem, sameSnapshot, tombstoneFor, type WriterStamp } from './record-mapper';
import { TABLE_KEY, USERNAME_LOWER_ATTRIBUTE, USERNAME_LOWER_INDEX, type UserRecord } from './user-record';

/** What happened to a snapshot handed to the store. */
export type StoreResult = {
  /** 'awaiting-migration': the record's user is migrating into the writer's pool; only the completion writes it. */
  result: 'written' | 'unchanged' | 'stale' | 'tombstoned' | 'absent' | 'awaiting-migration';
  /** The version now in the table (absent for 'absent'). */
  version?: number;
  /** The record now in the table (absent for 'absent'). */
  record?: UserRecord;
};

/** Bounded so a hot user cannot keep a caller spinning; each round re-reads, so a few are plenty. */
export const MAX_WRITE_ATTEMPTS = 5;

/** Every kind of record: a newer read replaces an older one, each write bumps the version. */
interface Versioned {
  version: number;
  updatedAt: number;
}

/** How one kind of record is read and written. */
interface RecordKind<T extends Versioned> {
  read: (item: Record<string, unknown>) => T;
  toItem: (record: T) => Record<string, unknown>;
}

const USERS: RecordKind<UserRecord> = { read: recordFromItem, toItem: recordToItem };
const GROUPS: RecordKind<GroupRecord> = { read: groupRecordFromItem, toItem: groupRecordToItem };

async function readOne<T extends Versioned>(
  table: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  kind: RecordKind<T>,
): Promise<T | null> {
  const { Item } = await table.send(
    new GetCommand({ TableName: tableName, Key: { [TABLE_KEY]: key }, ConsistentRead: true }),
  );
  return Item ? kind.read(Item) : null;
}

/** The current record of a user, read consistently, or null when the table has none. */
export function getRecord(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
): Promise<UserRecord | null> {
  return readOne(table, tableName, username, USERS);
}

/** The current record of a group, read consistently, or null when the table has none. */
export function getGroupRecord(
  table: DynamoDBDocumentClient,
  tableName: string,
  groupName: string,
): Promise<GroupRecord | null> {
  return readOne(table, tableName, groupKey(groupName), GROUPS);
}

/** BatchGetItem's own limit on keys per request. */
export const BATCH_GET_LIMIT = 100;

/**
 * The current records of many users, read consistently with one BatchGetItem per 100 users: a user the table
 * does not hold maps to null. Users DynamoDB left unprocessed (throttling) or whose item does not parse are
 * left out of the map, so the caller reads them one by one and meets the same error in that user's context.
 * `consistent: false` reads at half the price what the table held up to about a second ago: for callers that only
 * decide whether to look closer, never what to write.
 */
export function getRecords(
  table: DynamoDBDocumentClient,
  tableName: string,
  usernames: Iterable<string>,
  { consistent = true }: { consistent?: boolean } = {},
): Promise<Map<string, UserRecord | null>> {
  return readMany(table, tableName, usernames, USERS, consistent);
}

/** The current records of many groups, by group name, as getRecords reads users. */
export async function getGroupRecords(
  table: DynamoDBDocumentClient,
  tableName: string,
  groupNames: Iterable<string>,
): Promise<Map<string, GroupRecord | null>> {
  const names = [...groupNames];
  const byKey = await readMany(table, tableName, names.map(groupKey), GROUPS, true);
  const found = new Map<string, GroupRecord | null>();
  for (const name of names) {
    const record = byKey.get(groupKey(name));
    if (record !== undefined) found.set(name, record);
  }
  return found;
}

/**
 * Every group record, live or buried, by group name: one Query of the index every group item shares a value of, then
 * the items themselves. Items that do not parse are counted, as the users' table readers count them.
 */
export async function listGroupRecords(
  table: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ records: Map<string, GroupRecord>; unreadable: number }> {
  const keys: string[] = [];
  for await (const page of paginateQuery(
    { client: table },
    {
      TableName: tableName,
      IndexName: USERNAME_LOWER_INDEX,
      KeyConditionExpression: '#lower = :lower',
      ExpressionAttributeNames: { '#lower': USERNAME_LOWER_ATTRIBUTE },
      ExpressionAttributeValues: { ':lower': GROUPS_INDEX_VALUE },
    },
  )) {
    for (const item of page.Items ?? []) if (typeof item[TABLE_KEY] === 'string') keys.push(item[TABLE_KEY]);
  }
  const read = await readMany(table, tableName, keys, GROUPS, true);
  const records = new Map<string, GroupRecord>();
  let unreadable = 0;
  for (const key of keys) {
    let record = read.get(key);
    // Left out of the batch (throttled, or not a valid record): read on its own, which tells the two apart.
    if (record === undefined) {
      try {
        record = await readOne(table, tableName, key, GROUPS);
      } catch (error) {
        if (!isErrorNamed(error, 'RecordFormatError')) throw error;
        unreadable += 1;
        continue;
      }
    }
    // null: removed (TTL) since the index listed it.
    if (record) records.set(record.groupName, record);
  }
  return { records, unreadable };
}

async function readMany<T extends Versioned>(
  table: DynamoDBDocumentClient,
  tableName: string,
  keys: Iterable<string>,
  kind: RecordKind<T>,
  consistent: boolean,
): Promise<Map<string, T | null>> {
  const unique = [...new Set(keys)];
  const found = new Map<string, T | null>();
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    const chunk = unique.slice(start, start + BATCH_GET_LIMIT);
    const { Responses, UnprocessedKeys } = await table.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: { Keys: chunk.map((key) => ({ [TABLE_KEY]: key })), ConsistentRead: consistent },
        },
      }),
    );
    const unprocessed = new Set(
      (UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => String(key[TABLE_KEY])),
    );
    const items = new Map((Responses?.[tableName] ?? []).map((item) => [String(item[TABLE_KEY]), item]));
    for (const key of chunk) {
      if (unprocessed.has(key)) continue;
      const item = items.get(key);
      if (!item) {
        found.set(key, null);
        continue;
      }
      try {
        found.set(key, kind.read(item));
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
  { completesMigration = false }: { completesMigration?: boolean } = {},
): Promise<StoreResult> {
  return writeWithRetry(table, tableName, snapshot.username, USERS, (current) => {
    if (current && current.updatedAt >= snapshot.updatedAt) return { result: 'stale' };
    // The pool has this user only half until their migration completes: a capture, a reconcile or a stray password
    // reset must not replace their groups, status and origin with what the pool has now.
    if (
      current &&
      current.deleted !== true &&
      current.migratingInto === snapshot.origin &&
      current.origin !== snapshot.origin &&
      !completesMigration
    ) {
      return { result: 'awaiting-migration' };
    }
    // A record written before pool ids were recorded is not rewritten for the id alone: that would be a stream
    // record, and backup-pool reads, for every user on the first reconcile.
    if (
      current &&
      sameSnapshot(current, snapshot) &&
      current.origin === snapshot.origin &&
      (current.poolId === undefined || current.poolId === snapshot.poolId)
    ) {
      return { result: 'unchanged' };
    }
    return { write: snapshot, result: 'written' };
  });
}

/**
 * Notes on a user's record that the pool of `region` is creating them from it (its UserMigration trigger): the
 * record's content, version and origin stay as they are, so nothing is replicated or applied anywhere, and snapshots
 * of the half-migrated user are refused until the completion writes one (storeSnapshot). A record that is gone,
 * buried or already this region's is left alone.
 */
export async function noteMigrating(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
  region: string,
): Promise<void> {
  try {
    await table.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [TABLE_KEY]: username },
        UpdateExpression: 'SET #migratingInto = :region',
        ConditionExpression:
          'attribute_exists(#username) AND #origin <> :region AND (attribute_not_exists(#deleted) OR #deleted = :false)',
        ExpressionAttributeNames: {
          '#migratingInto': 'migratingInto',
          '#username': TABLE_KEY,
          '#origin': 'origin',
          '#deleted': 'deleted',
        },
        ExpressionAttributeValues: { ':region': region, ':false': false },
      }),
    );
  } catch (error) {
    if (!isErrorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
}

/**
 * Turns the user's record into a tombstone. The tombstone is rebuilt from whatever the table holds at each
 * attempt, so it always keeps the latest attributes. 'absent' when there is nothing to bury.
 */
export function storeTombstone(
  table: DynamoDBDocumentClient,
  tableName: string,
  username: string,
  stamp: WriterStamp,
): Promise<StoreResult> {
  return writeWithRetry(table, tableName, username, USERS, (current) => {
    if (!current || current.deleted === true) return { result: 'absent' };
    if (current.updatedAt >= stamp.now) return { result: 'stale' };
    return { write: tombstoneFor(current, stamp), result: 'tombstoned' };
  });
}

/** What happened to a group snapshot handed to the store. */
export type GroupStoreResult = Omit<StoreResult, 'record'> & { record?: GroupRecord };

/** Stores a fresh snapshot of a group, as storeSnapshot stores a user's. */
export function storeGroupSnapshot(
  table: DynamoDBDocumentClient,
  tableName: string,
  snapshot: GroupRecord,
): Promise<GroupStoreResult> {
  return writeWithRetry(table, tableName, groupKey(snapshot.groupName), GROUPS, (current) => {
    if (current && current.updatedAt >= snapshot.updatedAt) return { result: 'stale' };
    if (current && sameGroup(current, snapshot) && current.origin === snapshot.origin) {
      return { result: 'unchanged' };
    }
    return { write: snapshot, result: 'written' };
  });
}

/** Turns a group's record into a tombstone; 'absent' when there is nothing to bury. */
export function storeGroupTombstone(
  table: DynamoDBDocumentClient,
  tableName: string,
  groupName: string,
  stamp: WriterStamp,
): Promise<GroupStoreResult> {
  return writeWithRetry(table, tableName, groupKey(groupName), GROUPS, (current) => {
    if (!current || current.deleted === true) return { result: 'absent' };
    if (current.updatedAt >= stamp.now) return { result: 'stale' };
    return { write: groupTombstoneFor(current, stamp), result: 'tombstoned' };
  });
}

type Decision<T> = { result: StoreResult['result']; write?: T };

async function writeWithRetry<T extends Versioned>(
  table: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  kind: RecordKind<T>,
  decide: (current: T | null) => Decision<T>,
): Promise<{ result: StoreResult['result']; version?: number; record?: T }> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await readOne(table, tableName, key, kind);
    const decision = decide(current);
    if (!decision.write) {
      return decision.result === 'absent' || !current
        ? { result: decision.result }
        : { result: decision.result, version: current.version, record: current };
    }
    const record: T = { ...decision.write, version: (current?.version ?? 0) + 1 };
    try {
      await table.send(
        new PutCommand({
          TableName: tableName,
          Item: kind.toItem(record),
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
