// Decides, without side effects, how the table differs from the primary pool and how the backup pool differs from the
// table: the one place both the reconciler and the CLI's status/verify take their verdicts from.
import {
  type ConvergeOperationType,
  planConvergence,
  sameListedSnapshot,
  sameSnapshot,
  type TargetUserState,
  type UserRecord,
} from '@cognito-dr/shared';

/** What the table needs for one pool user: a record, a newer record, or nothing. */
export type RecordAction = 'create' | 'update' | 'none';

/**
 * `snapshot` is the pool user as just read, `current` the record the table holds. A record newer than the read is
 * not drift: it was written after the read, so it already knows at least as much (storeSnapshot would refuse to
 * overwrite it anyway). A tombstone older than the read means the user was re-created.
 */
export function recordAction(snapshot: UserRecord, current: UserRecord | null): RecordAction {
  if (!current) return 'create';
  if (current.updatedAt >= snapshot.updatedAt) return 'none';
  if (current.deleted === true) return 'create';
  return sameSnapshot(current, snapshot) ? 'none' : 'update';
}

export interface TableDrift {
  /** Pool users without a live record. */
  missing: string[];
  /** Pool users whose record differs (attributes, enabled, status or groups). */
  stale: string[];
  /** Live records of users the pool does not have. */
  extra: string[];
  inSync: number;
}

/**
 * How the table differs from the pool. Both maps are keyed by username; the pool's as records read just now, from a
 * listing (which says nothing of MFA).
 */
export function tableDrift(
  pool: ReadonlyMap<string, UserRecord>,
  records: ReadonlyMap<string, UserRecord>,
): TableDrift {
  const drift: TableDrift = { missing: [], stale: [], extra: [], inSync: 0 };
  for (const [username, snapshot] of pool) {
    const record = records.get(username);
    if (!record || record.deleted === true) drift.missing.push(username);
    else if (!sameListedSnapshot(record, snapshot)) drift.stale.push(username);
    else drift.inSync += 1;
  }
  for (const [username, record] of records) {
    if (record.deleted !== true && !pool.has(username)) drift.extra.push(username);
  }
  return sortDrift(drift);
}

export interface BackupDrift {
  /** Live records without a backup user. */
  missing: string[];
  /** Backup users that differ from their record, with the kinds of call that would fix them (never values). */
  stale: { username: string; operations: ConvergeOperationType[] }[];
  /** Backup users that should not exist: their record is a tombstone, or there is no record at all. */
  extra: string[];
  inSync: number;
}

/** How the backup pool differs from the table, judged by the replica's own plan: an empty plan is in sync. */
export function backupDrift(
  backup: ReadonlyMap<string, TargetUserState>,
  records: ReadonlyMap<string, UserRecord>,
): BackupDrift {
  const drift: BackupDrift = { missing: [], stale: [], extra: [], inSync: 0 };
  for (const [username, record] of records) {
    const state = backup.get(username) ?? null;
    const plan = planConvergence(state, record);
    if (plan.length === 0) {
      if (state) drift.inSync += 1;
    } else if (!state) drift.missing.push(username);
    else if (record.deleted === true) drift.extra.push(username);
    else drift.stale.push({ username, operations: [...new Set(plan.map((operation) => operation.type))] });
  }
  for (const username of backup.keys()) {
    if (!records.has(username)) drift.extra.push(username);
  }
  drift.missing.sort();
  drift.extra.sort();
  drift.stale.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  return drift;
}

export const driftCount = (drift: { missing: unknown[]; stale: unknown[]; extra: unknown[] }): number =>
  drift.missing.length + drift.stale.length + drift.extra.length;

function sortDrift(drift: TableDrift): TableDrift {
  drift.missing.sort();
  drift.stale.sort();
  drift.extra.sort();
  return drift;
}
