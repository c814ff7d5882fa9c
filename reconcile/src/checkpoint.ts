// Where a run has got to, so a run stopped by a Lambda timeout or Ctrl-C continues instead of restarting, and what it
// has learnt so far (users seen, group members) as append-only chunks of references.
import { randomUUID } from 'node:crypto';
import { type CallCounts, zeroCalls } from '@cognito-dr/shared';

/**
 * reconcile: primary pool -> table (missing, stale and departed users). backfill: the same without looking for
 * departed users (at install there are none). repair: table -> backup pool, in the backup region.
 */
export type RunMode = 'reconcile' | 'backfill' | 'repair';

export interface Counts {
  /** Users compared: listed users, plus records whose user the listing did not show. */
  checked: number;
  /** Records written (reconcile) or backup users created (repair). */
  created: number;
  /** Records rewritten (reconcile) or backup users converged (repair). */
  updated: number;
  /** Records turned into tombstones because the pool no longer has the user (reconcile). */
  tombstoned: number;
  /** Backup users removed: their record is a tombstone or there is none (repair). */
  deleted: number;
  unchanged: number;
  failed: number;
}

export const zeroCounts = (): Counts => ({
  checked: 0,
  created: 0,
  updated: 0,
  tombstoned: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
});

export interface Checkpoint {
  kind: 'cognito-dr-run';
  version: 2;
  mode: RunMode;
  /** Names the run's chunks; a new run never reads an older run's. */
  runId: string;
  dryRun: boolean;
  /** What the run works on; a checkpoint is never applied to another pool or table. */
  userPoolId: string;
  tableName: string;
  /** 'listing': the pool and its groups; 'table': records the listing did not account for. */
  phase: 'listing' | 'table';
  groups: {
    /** Whether every group name is known (ListGroups done). */
    listed: boolean;
    /** ListGroups NextToken while `listed` is false. */
    token?: string;
    /** Groups whose members are still to be listed, with the token of the next page. */
    pending: { name: string; token?: string }[];
  };
  /** ListUsers partitions (sub prefixes; '' is the whole pool) and the token of each one's next page. */
  partitions: { prefix: string; token?: string; done: boolean }[];
  /** Parallel Scan segments of the table and where each continues. */
  segments: { startKey?: Record<string, unknown>; done: boolean }[];
  /** Chunks committed so far (numbered 0 .. chunks - 1). */
  chunks: number;
  counts: Counts;
  /** Cognito calls by quota category, across every invocation of the run. */
  calls: CallCounts;
  startedAt: number;
  /** Time spent working across every invocation so far, for users per second. */
  workedMs: number;
  /** Invocations (or CLI sessions) that worked on the run. */
  invocations: number;
  /** An incremental run: users the pool shows unmodified since then (epoch ms) are not compared (engine.ts). */
  modifiedSince?: number;
}

/** References learnt while listing: users seen, or the members of one group. */
export type Chunk = { kind: 'seen'; refs: Uint8Array } | { kind: 'members'; group: string; refs: Uint8Array };

export interface SavedRun {
  checkpoint: Checkpoint;
  /** The committed chunks, in order. */
  chunks: Chunk[];
}

export interface CheckpointStore {
  load(): Promise<SavedRun | undefined>;
  /** Appends `added` (they are the last `added.length` of `checkpoint.chunks`), then commits the checkpoint. */
  save(checkpoint: Checkpoint, added: Chunk[]): Promise<void>;
  /** Called when the run completes (or is given up): a finished run is never resumed. */
  clear(): Promise<void>;
}

/**
 * This run's lease was taken over (it expired while the run held it): the run stops before its next write, another
 * run is working.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** A checkpoint that was written for another run than the one being started. */
export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
}

export function newCheckpoint(
  target: Pick<Checkpoint, 'mode' | 'dryRun' | 'userPoolId' | 'tableName' | 'modifiedSince'>,
  now: number,
): Checkpoint {
  return {
    kind: 'cognito-dr-run',
    version: 2,
    runId: randomUUID(),
    ...target,
    phase: 'listing',
    groups: { listed: false, pending: [] },
    partitions: [],
    segments: [],
    chunks: 0,
    counts: zeroCounts(),
    calls: zeroCalls(),
    startedAt: now,
    workedMs: 0,
    invocations: 0,
  };
}

/** Structural check of a checkpoint read from a file or the state table (both are outside this process). */
export function parseCheckpoint(value: unknown): Checkpoint {
  const fail = (rule: string): never => {
    throw new CheckpointMismatchError(`checkpoint: ${rule}`);
  };
  if (typeof value !== 'object' || value === null) return fail('must be an object');
  const c = value as Partial<Checkpoint>;
  if (c.kind !== 'cognito-dr-run' || c.version !== 2)
    return fail('not a cognito-dr run checkpoint of version 2');
  if (c.mode !== 'reconcile' && c.mode !== 'backfill' && c.mode !== 'repair')
    return fail('mode must be reconcile, backfill or repair');
  if (c.phase !== 'listing' && c.phase !== 'table') return fail('phase must be listing or table');
  if (typeof c.runId !== 'string' || c.runId === '') return fail('runId missing');
  if (typeof c.userPoolId !== 'string' || typeof c.tableName !== 'string') return fail('target missing');
  if (typeof c.groups !== 'object' || c.groups === null || !Array.isArray(c.groups.pending))
    return fail('groups position missing');
  if (!Array.isArray(c.partitions) || !Array.isArray(c.segments)) return fail('listing positions missing');
  if (!Number.isInteger(c.chunks) || (c.chunks as number) < 0) return fail('chunks must be a count');
  if (typeof c.counts !== 'object' || c.counts === null) return fail('counts missing');
  return {
    ...(c as Checkpoint),
    counts: { ...zeroCounts(), ...c.counts },
    calls: { ...zeroCalls(), ...c.calls },
    dryRun: c.dryRun === true,
    startedAt: Number(c.startedAt) || 0,
    workedMs: Number(c.workedMs) || 0,
    invocations: Number(c.invocations) || 0,
  };
}

/** In-process store, for tests and for CLI runs without --checkpoint. */
export function memoryCheckpointStore(): CheckpointStore & { saved?: SavedRun } {
  const store: CheckpointStore & { saved?: SavedRun } = {
    load: async () =>
      store.saved && { checkpoint: structuredClone(store.saved.checkpoint), chunks: [...store.saved.chunks] },
    save: async (checkpoint, added) => {
      const kept = store.saved?.checkpoint.runId === checkpoint.runId ? store.saved.chunks : [];
      const chunks = [...kept.slice(0, checkpoint.chunks - added.length), ...added];
      store.saved = { checkpoint: structuredClone(checkpoint), chunks };
    },
    clear: async () => {
      store.saved = undefined;
    },
  };
  return store;
}
