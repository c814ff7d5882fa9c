// Shapes a user for admin API responses, always through the shared record mapper, so the API shows exactly what
// replication copies (no second list of attributes here).
import { type PoolUser, recordFromCognitoUser, type UserRecord, type UserStatus } from '@cognito-dr/shared';

export interface UserView {
  username: string;
  sub: string;
  /** Every replicated attribute by name (sub is above; cognito:* and identities are not replicated). */
  attributes: Record<string, string>;
  enabled: boolean;
  status: UserStatus;
  /** Sorted. */
  groups: string[];
}

/** Where the user's snapshot stands in the replication table. */
export interface RecordView {
  version: number;
  /** When the snapshot was read from the pool (epoch ms). */
  updatedAt: number;
  /** Present on a tombstone: the user was deleted from the primary pool. */
  deleted?: true;
}

export function presentRecord(record: UserRecord): UserView {
  return {
    username: record.username,
    sub: record.sub,
    attributes: { ...record.attributes },
    enabled: record.enabled,
    status: record.status,
    groups: [...record.groups],
  };
}

export function presentPoolUser({ user, groups }: PoolUser): UserView {
  // origin, poolId and now only stamp the record's bookkeeping, which a view leaves out.
  return presentRecord(
    recordFromCognitoUser({ user, groups, origin: 'admin-api', poolId: 'admin-api', now: 0 }),
  );
}

export function presentRecordState(record: UserRecord): RecordView {
  return {
    version: record.version,
    updatedAt: record.updatedAt,
    ...(record.deleted === true ? { deleted: true as const } : {}),
  };
}
