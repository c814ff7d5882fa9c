// Builds DynamoDB stream records, user records and a faked backup pool and table for the replica's unit tests.
import {
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

/** A stream record as Lambda delivers it, carrying `record` as NewImage (and, for REMOVE, as OldImage). */
export function streamRecord(
  record: UserRecord,
  sequenceNumber: number,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = record.version === 1 ? 'INSERT' : 'MODIFY',
): DynamoDBRecord {
  const image = recordToImage(record) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: BACKUP_REGION,
    eventSourceARN: 'arn:aws:dynamodb:ap-northeast-1:123456789012:table/users/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      Keys: { username: { S: record.username } },
      SequenceNumber: String(sequenceNumber).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
    },
  };
}

export const seq = (n: number) => String(n).padStart(21, '0');

/**
 * A fake backup pool and table, and the apply dependencies on them, with the clock standing at `now`; the backup
 * region on standby unless `roles` say otherwise.
 */
export function fakeBackup(
  now: number,
  options: { roles?: RegionRoles; region?: string; createMissing?: boolean } = {},
) {
  const pool = new FakeUserPool();
  const table = new FakeTable();
  const deps: ApplyDeps = {
    cognito: pool.client,
    table: table.client,
    userPoolId: 'ap-northeast-1_backup',
    tableName: 'users',
    region: options.region ?? BACKUP_REGION,
    roles: async () => options.roles ?? initialRoles(PRIMARY_REGION, BACKUP_REGION),
    createMissing: options.createMissing ?? true,
    now: () => now,
  };
  return { pool, table, deps };
}
