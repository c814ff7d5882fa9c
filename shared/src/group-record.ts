// A group record: one group of the active region's pool (its description, precedence and IAM role), kept as a second
// kind of item in the users table so that it travels the same way users do: the same global table, stream, consumer
// and region roles. Memberships stay on the user records; this says what the group itself is.
import type { GroupType } from '@aws-sdk/client-cognito-identity-provider';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RecordFormatError } from './errors';
import {
  integerField,
  itemFromImage,
  nonEmptyString,
  schemaVersionOf,
  tombstoneExpiresAt,
  tombstoneFields,
  type WriterStamp,
} from './record-mapper';
import { RECORD_SCHEMA_VERSION, TABLE_KEY, USERNAME_LOWER_ATTRIBUTE } from './user-record';

/**
 * Group items are keyed `group <name>`. Cognito usernames (and group names) cannot contain whitespace, so no user
 * record can ever take such a key, and every reader of user records tells the two kinds apart by the key alone.
 */
const GROUP_KEY_PREFIX = 'group ';

/**
 * The value of the `byUsernameLower` index attribute on every group item. No username lower-cases to it (it holds a
 * space), so one Query of the index lists every group record, live or buried, without scanning the users.
 */
export const GROUPS_INDEX_VALUE = 'cognito-dr groups';

/** `kind` of a group item; user records have no `kind`. */
const GROUP_KIND = 'group';

export interface GroupRecord {
  groupName: string;
  schemaVersion: number;
  description?: string;
  precedence?: number;
  /** IAM roles are global: the same ARN is valid for the pool of either region. */
  roleArn?: string;
  /** When the group was read from its pool (epoch ms); the newest read wins, as for users. */
  updatedAt: number;
  version: number;
  /** Region whose writer produced the record. */
  origin: string;
  /** The pool the group was read from, or its deletion seen in. */
  poolId: string;
  /** The group was deleted from the active pool; the last description is kept until TTL. */
  deleted?: boolean;
  deletedAt?: number;
  expiresAt?: number;
}

export const groupKey = (groupName: string): string => `${GROUP_KEY_PREFIX}${groupName}`;

export const isGroupKey = (key: string): boolean => key.startsWith(GROUP_KEY_PREFIX);

/** The group a group item's key names. */
export const groupNameOfKey = (key: string): string => key.slice(GROUP_KEY_PREFIX.length);

/** Whether a raw item (or a stream record's key) is a group record rather than a user record. */
export const isGroupItem = (item: Record<string, unknown>): boolean =>
  typeof item[TABLE_KEY] === 'string' && isGroupKey(item[TABLE_KEY]);

/** A group as GetGroup, CreateGroup or ListGroups report it, as the record a capture writes. */
export function groupRecordFromCognito(
  group: Pick<GroupType, 'GroupName' | 'Description' | 'Precedence' | 'RoleArn'>,
  { origin, poolId, now }: WriterStamp,
): GroupRecord {
  if (!group.GroupName) throw new RecordFormatError('groupName', 'missing from the Cognito group');
  const record: GroupRecord = {
    groupName: group.GroupName,
    schemaVersion: RECORD_SCHEMA_VERSION,
    updatedAt: now,
    version: 0,
    origin,
    poolId,
  };
  // Cognito leaves out what a group does not have; an empty description is no description.
  if (group.Description) record.description = group.Description;
  if (group.Precedence !== undefined && group.Precedence !== null) record.precedence = group.Precedence;
  if (group.RoleArn) record.roleArn = group.RoleArn;
  return record;
}

export function groupRecordToItem(record: GroupRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    [TABLE_KEY]: groupKey(record.groupName),
    kind: GROUP_KIND,
    [USERNAME_LOWER_ATTRIBUTE]: GROUPS_INDEX_VALUE,
    schemaVersion: record.schemaVersion,
    groupName: record.groupName,
    updatedAt: record.updatedAt,
    version: record.version,
    origin: record.origin,
    poolId: record.poolId,
  };
  for (const field of [
    'description',
    'precedence',
    'roleArn',
    'deleted',
    'deletedAt',
    'expiresAt',
  ] as const) {
    if (record[field] !== undefined) item[field] = record[field];
  }
  return item;
}

/** What CreateGroup and UpdateGroup take to make a pool's group what the record says (absent fields reset). */
export function cognitoGroupFields(
  record: Pick<GroupRecord, 'description' | 'precedence' | 'roleArn'>,
): Pick<GroupType, 'Description' | 'Precedence' | 'RoleArn'> {
  const fields: Pick<GroupType, 'Description' | 'Precedence' | 'RoleArn'> = {};
  if (record.description !== undefined) fields.Description = record.description;
  if (record.precedence !== undefined) fields.Precedence = record.precedence;
  if (record.roleArn !== undefined) fields.RoleArn = record.roleArn;
  return fields;
}

/** Parses a group item read through DynamoDBDocumentClient. Throws RecordFormatError naming the field. */
export function groupRecordFromItem(item: Record<string, unknown>): GroupRecord {
  const schemaVersion = schemaVersionOf(item);
  if (item.kind !== GROUP_KIND) throw new RecordFormatError('kind', `must be ${GROUP_KIND}`);
  const groupName = nonEmptyString(item, 'groupName');
  if (item[TABLE_KEY] !== groupKey(groupName)) {
    throw new RecordFormatError(TABLE_KEY, 'must be the group name after "group "');
  }
  const record: GroupRecord = {
    groupName,
    schemaVersion,
    updatedAt: integerField(item, 'updatedAt'),
    version: integerField(item, 'version'),
    origin: nonEmptyString(item, 'origin'),
    poolId: nonEmptyString(item, 'poolId'),
  };
  if (item.description !== undefined) record.description = nonEmptyString(item, 'description');
  if (item.precedence !== undefined) record.precedence = integerField(item, 'precedence');
  if (item.roleArn !== undefined) record.roleArn = nonEmptyString(item, 'roleArn');
  return Object.assign(record, tombstoneFields(item));
}

/** Parses a stream image of a group item. */
export function groupRecordFromImage(
  image: Record<string, AttributeValue> | Record<string, unknown>,
): GroupRecord {
  return groupRecordFromItem(itemFromImage(image));
}

/** Same group: ignores the bookkeeping (version, updatedAt, origin, poolId, deletedAt, expiresAt). */
export function sameGroup(
  a: Pick<GroupRecord, 'description' | 'precedence' | 'roleArn' | 'deleted'>,
  b: Pick<GroupRecord, 'description' | 'precedence' | 'roleArn' | 'deleted'>,
): boolean {
  return (
    a.description === b.description &&
    a.precedence === b.precedence &&
    a.roleArn === b.roleArn &&
    (a.deleted === true) === (b.deleted === true)
  );
}

/** The tombstone of a deleted group: keeps its last description, as a user's tombstone keeps the user. */
export function groupTombstoneFor(previous: GroupRecord, { origin, poolId, now }: WriterStamp): GroupRecord {
  return {
    ...previous,
    updatedAt: now,
    origin,
    poolId,
    deleted: true,
    deletedAt: now,
    expiresAt: tombstoneExpiresAt(now),
  };
}
