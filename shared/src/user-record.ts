// The user record: one full snapshot of a primary-pool user, as stored in the replication table and replayed
// into the backup pool. Every service reads and writes users only through this shape.

/** Bumped when the stored shape changes incompatibly; readers refuse records of a newer schema. */
export const RECORD_SCHEMA_VERSION = 1;

/** Table partition key. Tools outside the repo rely on this name. */
export const TABLE_KEY = 'username';

/**
 * The username in lower case, on every item, keyed by the table's `byUsernameLower` index. Pools compare usernames
 * ignoring case but the table key is the exact spelling the pool reported, so a user gone from the pool and named
 * in another casing is found through this.
 */
export const USERNAME_LOWER_ATTRIBUTE = 'usernameLower';

/** The table's index on USERNAME_LOWER_ATTRIBUTE (services/primary/serverless.yml): keys and the tombstone flag. */
export const USERNAME_LOWER_INDEX = 'byUsernameLower';

/** Attribute holding the tombstone expiry (epoch seconds); the table's TTL is set on it. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** How long a tombstone (and so the last snapshot of a deleted user) is kept before TTL removes it. */
export const TOMBSTONE_RETENTION_DAYS = 35;

/** Custom attribute of the backup pool that keeps the primary pool's `sub` of each user. */
export const SOURCE_SUB_ATTRIBUTE = 'custom:source_sub';

/** Cognito user statuses, as AdminGetUser / ListUsers report them. */
export type UserStatus =
  | 'UNCONFIRMED'
  | 'CONFIRMED'
  | 'ARCHIVED'
  | 'COMPROMISED'
  | 'UNKNOWN'
  | 'RESET_REQUIRED'
  | 'FORCE_CHANGE_PASSWORD'
  | 'EXTERNAL_PROVIDER';

/** The factors of Cognito's MFA a user can turn on, as UserMFASettingList and PreferredMfaSetting name them. */
export type MfaFactor = 'SMS_MFA' | 'EMAIL_OTP' | 'SOFTWARE_TOKEN_MFA';

/** A user's MFA settings, as AdminGetUser reports them. */
export interface UserMfa {
  /** The factors the user turned on, sorted, without duplicates. */
  enabled: MfaFactor[];
  preferred?: MfaFactor;
}

/** A user of an external identity provider linked to a pool user (the `identities` attribute Cognito keeps). */
export interface LinkedIdentity {
  /** The provider's name in the pool (Google, a SAML provider's name, ...). */
  providerName: string;
  /** The provider's id for the user (Google's `sub`, a SAML NameID, ...). */
  userId: string;
}

export interface UserRecord {
  /**
   * The username (partition key), as the pool reported it; for a user whose pool generated the username (sign-in by
   * email or phone number), the home sub, which is the same in every pool (user-naming.ts).
   */
  username: string;
  schemaVersion: number;
  /** The user's home sub: their `sub` in the pool they were born in (`custom:source_sub` in any other pool). */
  sub: string;
  /**
   * Every attribute an administrator can write (standard and `custom:*` / `dev:custom:*`), by name.
   * Excludes `sub` (kept above) and the attributes listed in ADMIN_UNWRITABLE_ATTRIBUTES.
   */
  attributes: Record<string, string>;
  enabled: boolean;
  status: UserStatus;
  /** Group names the user belongs to, sorted, without duplicates. */
  groups: string[];
  /**
   * The user's MFA settings; absent when they turned no factor on. A TOTP secret never leaves its pool: a user with
   * SOFTWARE_TOKEN_MFA enrols their app again in any other pool (the others are set there for them).
   */
  mfa?: UserMfa;
  /**
   * The external identity provider users linked to this user (a federated user's own, and any linked to a native
   * user), sorted by provider then id; absent when none. Another pool links them to its copy of the user, so a
   * sign-in with the same provider lands there.
   */
  identities?: LinkedIdentity[];
  /** When the snapshot was read from the primary pool (epoch ms). Last reader wins. */
  updatedAt: number;
  /** Per-user counter that only grows; bumped by every write that changes the snapshot. */
  version: number;
  /** Region whose writer produced this record (loop prevention on failback). */
  origin: string;
  /**
   * The pool the snapshot was read from, or the deletion seen in: after a failover either region's pool writes
   * records, and bulk writers refuse a table whose records name pools of another deployment (table-owner.ts).
   * Absent on records written before pool ids were recorded.
   */
  poolId?: string;
  /**
   * The region whose pool a user is migrating into (its UserMigration trigger created them from this record): until
   * the migration completes, that pool has the user only half (no groups, perhaps a reset pending), so no snapshot
   * of it replaces this record; the completion's does (record-store.ts). Absent for everyone else.
   */
  migratingInto?: string;
  /** Tombstone: the user was deleted from the primary pool. The last snapshot is kept until TTL. */
  deleted?: boolean;
  /** When the deletion was seen (epoch ms). */
  deletedAt?: number;
  /** TTL (epoch seconds) for tombstones only. */
  expiresAt?: number;
}
