// Where a reconcile run has got to, so a run stopped by a Lambda timeout or Ctrl-C continues instead of restarting.
import { createHash } from 'node:crypto';

export type ReconcileMode = 'reconcile' | 'backfill';

export interface Counts {
  /** Pool users compared with their record, plus records whose user the pool no longer lists. */
  checked: number;
  /** Records written for users the table did not have (or had only as a tombstone). */
  created: number;
  /** Records rewritten because the pool user had changed. */
  updated: number;
  /** Records turned into tombstones because the pool no longer has the user. */
  tombstoned: number;
  unchanged: number;
  failed: number;
}

export const zeroCounts = (): Counts => ({
  checked: 0,
  created: 0,
  updated: 0,
  tombstoned: 0,
  unchanged: 0,
  failed: 0,
});

export interface Checkpoint {
  kind: 'cognito-dr-reconcile';
  version: 1;
  mode: ReconcileMode;
  dryRun: boolean;
  /** What the run is reconciling; a checkpoint is never applied to another pool or table. */
  userPoolId: string;
  tableName: string;
  /** 'pool': listing the pool; 'table': looking for records whose user is gone. */
  phase: 'pool' | 'table';
  pool: {
    /** PaginationToken that fetched the page being worked on (absent: the first page). */
    token?: string;
    /** Users of that page already handled. */
    index: number;
    /** seenRef of the last handled user, to find the place again if the page shifted since. */
    lastRef?: string;
  };
  table: {
    /** Key of the last record handled, used as the scan's ExclusiveStartKey. It holds one username. */
    startKey?: Record<string, unknown>;
  };
  /**
   * seenRef of every pool user handled so far, so the table phase knows which records it need not confirm with
   * AdminGetUser. May be dropped (e.g. to fit a Lambda payload); the table phase then confirms every record.
   */
  seen?: string[];
  counts: Counts;
  startedAt: number;
  /** Time spent working across every invocation so far, for users per second. */
  workedMs: number;
}

export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  /** Called when the run completes: a finished run is never resumed. */
  clear(): Promise<void>;
}

/** A checkpoint that was written for another run than the one being started. */
export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
}

/** Structural check of a checkpoint read from a file or a Lambda payload (both are outside this process). */
export function parseCheckpoint(value: unknown): Checkpoint {
  const fail = (rule: string): never => {
    throw new CheckpointMismatchError(`checkpoint: ${rule}`);
  };
  if (typeof value !== 'object' || value === null) return fail('must be an object');
  const c = value as Partial<Checkpoint>;
  if (c.kind !== 'cognito-dr-reconcile' || c.version !== 1)
    return fail('not a cognito-dr reconcile checkpoint');
  if (c.mode !== 'reconcile' && c.mode !== 'backfill') return fail('mode must be reconcile or backfill');
  if (c.phase !== 'pool' && c.phase !== 'table') return fail('phase must be pool or table');
  if (typeof c.userPoolId !== 'string' || typeof c.tableName !== 'string') return fail('target missing');
  if (typeof c.pool !== 'object' || c.pool === null || typeof c.pool.index !== 'number') {
    return fail('pool position missing');
  }
  if (typeof c.table !== 'object' || c.table === null) return fail('table position missing');
  if (typeof c.counts !== 'object' || c.counts === null) return fail('counts missing');
  if (c.seen !== undefined && !Array.isArray(c.seen)) return fail('seen must be a list');
  return {
    ...(c as Checkpoint),
    counts: { ...zeroCounts(), ...c.counts },
    dryRun: c.dryRun === true,
    startedAt: Number(c.startedAt) || 0,
    workedMs: Number(c.workedMs) || 0,
  };
}

/**
 * A 64-bit reference to a username (SHA-256 prefix): checkpoints and the seen set hold these rather than
 * usernames, which are often e-mail addresses.
 */
export function seenRef(username: string): string {
  return createHash('sha256').update(username, 'utf8').digest('hex').slice(0, 16);
}

/** In-process store: the Lambda seeds it from its payload and reads it back to continue. */
export function memoryCheckpointStore(initial?: Checkpoint): CheckpointStore & { current?: Checkpoint } {
  const store: CheckpointStore & { current?: Checkpoint } = {
    current: initial && structuredClone(initial),
    load: async () => store.current && structuredClone(store.current),
    save: async (checkpoint) => {
      store.current = structuredClone(checkpoint);
    },
    clear: async () => {
      store.current = undefined;
    },
  };
  return store;
}
