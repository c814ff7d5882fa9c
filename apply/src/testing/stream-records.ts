// Builds DynamoDB stream records, user and group records, and a faked backup pool and table for the replica's unit
// tests.
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type GroupRecord,
  groupKey,
  groupRecordToItem,
  initialRoles,
  RECORD_SCHEMA_VERSION,
  type RegionRoles,
  recordToImage,
  type UserRecord,
} from '@cognito-dr/shared';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ApplyDeps } from '../apply-record';
import type { DeletionBreaker } from '../deletion-breaker';

export const PRIMARY_REGION = 'us-east-1';
export const BACKUP_REGION = 'ap-northeast-1';
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  const username = overrides.username ?? 'alice.smith';
  return {
    username,
    schemaVersion: RECORD_SCHEMA_VERSION,
    sub: `primary-sub-of-${username}`,
    attributes: { email: `${username}@example.com`, email_verified: 'true', 'custom:tier': 'gold' },
    enabled: true,
    status: 'CONFIRMED',
    groups: [],
    updatedAt: T0,
    version: 1,
    origin: PRIMARY_REGION,
    ...overrides,
  };
}

type EventName = 'INSERT' | 'MODIFY' | 'REMOVE';
type Image = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** A stream record as Lambda delivers it, carrying `record` as NewImage (and, for REMOVE, as OldImage). */
export function streamRecord(
  record: UserRecord,
  sequenceNumber: number,
  eventName: EventName = record.version === 1 ? 'INSERT' : 'MODIFY',
): DynamoDBRecord {
  return streamRecordOf(record.username, recordToImage(record) as Image, sequenceNumber, eventName);
}

/** A stream record of a group item, as Lambda delivers it. */
export function groupStreamRecord(
  record: GroupRecord,
  sequenceNumber: number,
  eventName: EventName = record.version === 1 ? 'INSERT' : 'MODIFY',
): DynamoDBRecord {
  const image = marshall(groupRecordToItem(record)) as Image;
  return streamRecordOf(groupKey(record.groupName), image, sequenceNumber, eventName);
}

function streamRecordOf(
  key: string,
  image: Image,
  sequenceNumber: number,
  eventName: EventName,
): DynamoDBRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: BACKUP_REGION,
    eventSourceARN: 'arn:aws:dynamodb:ap-northeast-1:123456789012:table/users/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      Keys: { username: { S: key } },
      SequenceNumber: seq(sequenceNumber),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
    },
  };
}

export const seq = (n: number) => String(n).padStart(21, '0');

export function groupRecord(overrides: Partial<GroupRecord> = {}): GroupRecord {
  return {
    groupName: 'readers',
    schemaVersion: RECORD_SCHEMA_VERSION,
    description: 'May read reports',
    precedence: 5,
    roleArn: 'arn:aws:iam::123456789012:role/readers',
    updatedAt: T0,
    version: 1,
    origin: PRIMARY_REGION,
    poolId: 'us-east-1_primary',
    ...overrides,
  };
}

/**
 * A fake backup pool and table, and the apply dependencies on them, with the clock standing at `now`; the backup
 * region on standby unless `roles` say otherwise.
 */
export function fakeBackup(
  now: number,
  options: {
    roles?: RegionRoles;
    /** The roles as a read past the cache finds them; unset: no such read. */
    freshRoles?: RegionRoles;
    region?: string;
    createMissing?: boolean;
    breaker?: DeletionBreaker;
    /** The backup pool's UsernameAttributes (users then named by email or phone number). */
    usernameAttributes?: readonly ('email' | 'phone_number')[];
  } = {},
) {
  const pool = new FakeUserPool({ usernameAttributes: options.usernameAttributes });
  const table = new FakeTable();
  const deps: ApplyDeps = {
    cognito: pool.client,
    table: table.client,
    userPoolId: 'ap-northeast-1_backup',
    tableName: 'users',
    region: options.region ?? BACKUP_REGION,
    roles: async () => options.roles ?? initialRoles(PRIMARY_REGION, BACKUP_REGION),
    ...(options.freshRoles ? { freshRoles: async () => options.freshRoles as RegionRoles } : {}),
    createMissing: options.createMissing ?? true,
    now: () => now,
    breaker: options.breaker ?? null,
  };
  return { pool, table, deps };
}
