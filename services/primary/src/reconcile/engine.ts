// The reconciler: walks the primary pool and the replication table and repairs every difference through the one
// conditional write path, so users the triggers never captured (existing before install, failed captures, changes
// made outside the API) still reach the backup pool. Backfill is the same walk, run once at install.
import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Clock,
  errorName,
  getRecord,
  isErrorNamed,
  listUserGroups,
  listUsersPage,
  readPoolUser,
  recordFromCognitoUser,
  recordFromItem,
  storeSnapshot,
  storeTombstone,
  type UserRecord,
} from '@cognito-dr/shared';
import {
  type Checkpoint,
  CheckpointMismatchError,
  type CheckpointStore,
  type Counts,
  type ReconcileMode,
  seenRef,
  zeroCounts,
} from './checkpoint';
import { recordAction } from './drift';
import { pacedCognito } from './paced-cognito';
import { DEFAULT_RATES, type Pacers, pacersFor, type Rates } from './pacer';
import { keyOf, scanItemPages } from './table-listing';

export interface ReconcileDeps {
  /** Primary pool client; the engine paces it itself. */
  cognito: CognitoIdentityProviderClient;
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  /** Region stamped on written records (the primary's). */
  origin: string;
  clock: Clock;
  checkpoints: CheckpointStore;
}

/** What happened to one user, for the CLI's --verbose listing. */
export type UserOutcome = 'created' | 'updated' | 'tombstoned' | 'unchanged' | 'failed';

export interface Progress {
  mode: ReconcileMode;
  phase: Checkpoint['phase'];
  counts: Counts;
  /** Time worked across every resumed invocation. */
  workedMs: number;
}

export interface ReconcileOptions {
  /** 'backfill' lists the pool only (at install there are no records of departed users to look for). */
  mode: ReconcileMode;
  /** Decide and count, but write nothing. */
  dryRun?: boolean;
  rates?: Partial<Rates>;
  /** Users handled at once; pacers keep the rates whatever this is. */
  concurrency?: number;
  /** Asked between batches of users; true stops the run at a checkpoint (Lambda time running out, Ctrl-C). */
  shouldStop?: () => boolean;
  /** Checkpoints are written at least this often (and always when stopping). */
  checkpointEveryMs?: number;
  onProgress?: (progress: Progress) => void;
  onUser?: (username: string, outcome: UserOutcome) => void;
  /** Failure details for the caller's log: never the username, only its reference and the error's name. */
  onFailure?: (failure: { user: string; phase: Checkpoint['phase']; error: string }) => void;
}

export interface ReconcileResult {
  mode: ReconcileMode;
  dryRun: boolean;
  /** False when the run stopped at a checkpoint and must be continued. */
  complete: boolean;
  phase: Checkpoint['phase'];
  /** Totals of the whole run, resumed invocations included. */
  counts: Counts;
  /** What this invocation alone did (what metrics add up). */
  delta: Counts;
  /** This invocation's duration. */
  durationMs: number;
  /** Time worked across every invocation of the run. */
  workedMs: number;
  /** The checkpoint to continue from, when not complete. */
  checkpoint?: Checkpoint;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_CHECKPOINT_EVERY_MS = 5_000;

/** Runs (or continues, when the store holds a checkpoint) one reconcile or backfill. */
export async function runReconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const run = new Run(deps, options, await deps.checkpoints.load());
  return run.execute();
}

class Run {
  private readonly cognito: CognitoIdentityProviderClient;
  private readonly pacers: Pacers;
  private readonly dryRun: boolean;
  private readonly concurrency: number;
  private readonly checkpoint: Checkpoint;
  private readonly delta = zeroCounts();
  private readonly seen: Set<string>;
  /** Whether `seen` covers every pool user handled in this run (false after resuming without it). */
  private seenComplete: boolean;
  private readonly startedAt: number;
  private readonly workedBefore: number;
  private lastSave: number;

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly options: ReconcileOptions,
    resumed: Checkpoint | undefined,
  ) {
    this.dryRun = options.dryRun === true;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    this.pacers = pacersFor(withDefaults(options.rates), deps.clock);
    this.cognito = pacedCognito(deps.cognito, this.pacers);
    this.startedAt = deps.clock.now();
    this.lastSave = this.startedAt;
    if (resumed) this.assertResumable(resumed);
    this.checkpoint = resumed ?? {
      kind: 'cognito-dr-reconcile',
      version: 1,
      mode: options.mode,
      dryRun: this.dryRun,
      userPoolId: deps.userPoolId,
      tableName: deps.tableName,
      phase: 'pool',
      pool: { index: 0 },
      table: {},
      seen: [],
      counts: zeroCounts(),
      startedAt: this.startedAt,
      workedMs: 0,
    };
    this.workedBefore = this.checkpoint.workedMs;
    this.seen = new Set(this.checkpoint.seen ?? []);
    this.seenComplete = !resumed || resumed.seen !== undefined;
  }

  async execute(): Promise<ReconcileResult> {
    let complete = true;
    try {
      if (this.checkpoint.phase === 'pool') complete = await this.poolPhase();
      if (complete && this.checkpoint.phase === 'table' && this.options.mode === 'reconcile') {
        complete = await this.tablePhase();
      }
    } catch (error) {
      // A listing that fails past the SDK's retries ends the run, but never loses the progress made so far.
      await this.save().catch(() => {});
      throw error;
    }
    if (complete) await this.deps.checkpoints.clear();
    else await this.save();
    const now = this.deps.clock.now();
    return {
      mode: this.options.mode,
      dryRun: this.dryRun,
      complete,
      phase: this.checkpoint.phase,
      counts: { ...this.checkpoint.counts },
      delta: { ...this.delta },
      durationMs: now - this.startedAt,
      workedMs: this.workedBefore + (now - this.startedAt),
      checkpoint: complete ? undefined : structuredClone(this.checkpointToSave()),
    };
  }

  /** Every pool user against its record: creates missing records, refreshes stale ones. */
  private async poolPhase(): Promise<boolean> {
    const position = this.checkpoint.pool;
    let token = position.token;
    let resumeAt: { index: number; lastRef?: string } | undefined =
      position.index > 0 ? { index: position.index, lastRef: position.lastRef } : undefined;
    /** The token came from a checkpoint (possibly hours old) rather than from the page just read. */
    let tokenFromCheckpoint = token !== undefined;
    for (;;) {
      // Taken before the read: the snapshot may then only lose against a capture that read the user later.
      const readAt = this.deps.clock.now();
      let page: Awaited<ReturnType<typeof listUsersPage>>;
      try {
        page = await listUsersPage(this.cognito, this.deps.userPoolId, token);
      } catch (error) {
        // A token from an old checkpoint may have expired: start the listing over; done users come out unchanged.
        if (!(tokenFromCheckpoint && isErrorNamed(error, 'InvalidParameterException'))) throw error;
        token = undefined;
        resumeAt = undefined;
        tokenFromCheckpoint = false;
        continue;
      }
      tokenFromCheckpoint = false;
      let index = resumeAt ? resumeIndex(page.users, resumeAt) : 0;
      resumeAt = undefined;
      while (index < page.users.length) {
        if (this.options.shouldStop?.()) return false;
        const batch = page.users.slice(index, index + this.concurrency);
        await Promise.all(batch.map((user) => this.checkPoolUser(user, readAt)));
        index += batch.length;
        const last = batch[batch.length - 1]?.Username;
        this.checkpoint.pool = { token, index, lastRef: last === undefined ? undefined : seenRef(last) };
        await this.progressed();
      }
      if (!page.nextToken) break;
      token = page.nextToken;
      this.checkpoint.pool = { token, index: 0 };
    }
    this.checkpoint.phase = 'table';
    this.checkpoint.pool = { index: 0 };
    await this.save();
    return true;
  }

  /** Records whose user the pool listing did not show: tombstoned once AdminGetUser confirms the user is gone. */
  private async tablePhase(): Promise<boolean> {
    for await (const items of scanItemPages(
      this.deps.table,
      this.deps.tableName,
      this.checkpoint.table.startKey,
    )) {
      for (let index = 0; index < items.length; index += this.concurrency) {
        if (this.options.shouldStop?.()) return false;
        const batch = items.slice(index, index + this.concurrency);
        await Promise.all(batch.map((item) => this.checkRecord(item)));
        const last = batch[batch.length - 1];
        if (last) this.checkpoint.table = { startKey: keyOf(last) };
        await this.progressed();
      }
    }
    return true;
  }

  private async checkPoolUser(user: UserType, readAt: number): Promise<void> {
    const username = user.Username;
    if (!username) return;
    try {
      let groups: string[];
      try {
        groups = await listUserGroups(this.cognito, this.deps.userPoolId, username);
      } catch (error) {
        // Deleted since the listing: not seen, so the table phase finds its record and confirms the deletion.
        if (isErrorNamed(error, 'UserNotFoundException')) return;
        throw error;
      }
      this.seen.add(seenRef(username));
      const snapshot = recordFromCognitoUser({ user, groups, origin: this.deps.origin, now: readAt });
      this.count('checked');
      this.settle(username, await this.converge(snapshot));
    } catch (error) {
      this.fail(username, 'pool', error);
    }
  }

  private async checkRecord(item: Record<string, unknown>): Promise<void> {
    const username = typeof item.username === 'string' ? item.username : '';
    // Checked before parsing: an unreadable record of a listed user was already counted by the pool phase.
    if (username && this.seen.has(seenRef(username))) return;
    try {
      const record = recordFromItem(item);
      if (record.deleted === true) return;
      const readAt = this.deps.clock.now();
      const poolUser = await readPoolUser(this.cognito, this.deps.userPoolId, record.username);
      if (!poolUser || !sameUser(poolUser.user.Username, record.username)) {
        this.count('checked');
        this.settle(record.username, await this.bury(record, readAt));
        return;
      }
      // A user created after the listing, or one the listing showed before a resume that lost the seen set.
      const snapshot = recordFromCognitoUser({
        user: poolUser.user,
        groups: poolUser.groups,
        origin: this.deps.origin,
        now: readAt,
      });
      const outcome = await this.converge(snapshot);
      if (outcome === 'unchanged' && !this.seenComplete) return; // already counted before the resume
      this.count('checked');
      this.settle(record.username, outcome);
    } catch (error) {
      this.fail(username, 'table', error);
    }
  }

  /** Brings the table's record in line with a pool snapshot. */
  private async converge(snapshot: UserRecord): Promise<UserOutcome> {
    const current = await getRecord(this.deps.table, this.deps.tableName, snapshot.username);
    const action = recordAction(snapshot, current);
    if (action === 'none') return 'unchanged';
    const outcome = action === 'create' ? 'created' : 'updated';
    if (this.dryRun) return outcome;
    await this.pacers.writes.take();
    const stored = await storeSnapshot(this.deps.table, this.deps.tableName, snapshot);
    // 'stale' / 'unchanged': another writer got there first with the same or newer content.
    return stored.result === 'written' ? outcome : 'unchanged';
  }

  private async bury(record: UserRecord, readAt: number): Promise<UserOutcome> {
    if (record.updatedAt >= readAt) return 'unchanged';
    if (this.dryRun) return 'tombstoned';
    await this.pacers.writes.take();
    const stored = await storeTombstone(this.deps.table, this.deps.tableName, record.username, {
      origin: this.deps.origin,
      now: readAt,
    });
    return stored.result === 'tombstoned' ? 'tombstoned' : 'unchanged';
  }

  private settle(username: string, outcome: UserOutcome): void {
    this.count(outcome);
    this.options.onUser?.(username, outcome);
  }

  private fail(username: string, phase: Checkpoint['phase'], error: unknown): void {
    this.count('failed');
    this.options.onFailure?.({
      user: username ? seenRef(username) : 'unknown',
      phase,
      error: errorName(error) ?? 'unknown',
    });
    if (username) this.options.onUser?.(username, 'failed');
  }

  private count(key: keyof Counts): void {
    this.checkpoint.counts[key] += 1;
    this.delta[key] += 1;
  }

  private async progressed(): Promise<void> {
    const now = this.deps.clock.now();
    this.options.onProgress?.({
      mode: this.options.mode,
      phase: this.checkpoint.phase,
      counts: { ...this.checkpoint.counts },
      workedMs: this.workedBefore + (now - this.startedAt),
    });
    if (now - this.lastSave >= (this.options.checkpointEveryMs ?? DEFAULT_CHECKPOINT_EVERY_MS))
      await this.save();
  }

  private async save(): Promise<void> {
    this.lastSave = this.deps.clock.now();
    await this.deps.checkpoints.save(this.checkpointToSave());
  }

  private checkpointToSave(): Checkpoint {
    return {
      ...this.checkpoint,
      seen: this.seenComplete ? [...this.seen] : undefined,
      workedMs: this.workedBefore + (this.deps.clock.now() - this.startedAt),
    };
  }

  private assertResumable(checkpoint: Checkpoint): void {
    const expected = {
      mode: this.options.mode,
      dryRun: this.dryRun,
      userPoolId: this.deps.userPoolId,
      tableName: this.deps.tableName,
    };
    for (const [field, value] of Object.entries(expected)) {
      const actual = checkpoint[field as keyof typeof expected];
      if (actual !== value) {
        throw new CheckpointMismatchError(
          `checkpoint was written for ${field} ${JSON.stringify(actual)}, this run has ${JSON.stringify(value)}; ` +
            'use another checkpoint file or delete it to start over',
        );
      }
    }
  }
}

/** The default of every rate not given (an option left undefined keeps its default). */
function withDefaults(rates: Partial<Rates> | undefined): Rates {
  const merged = { ...DEFAULT_RATES };
  for (const key of Object.keys(merged) as (keyof Rates)[]) {
    const value = rates?.[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** Where to continue in a re-fetched page: after the last handled user if it is still there, else by position. */
function resumeIndex(users: UserType[], at: { index: number; lastRef?: string }): number {
  if (at.lastRef !== undefined) {
    const found = users.findIndex(
      (user) => user.Username !== undefined && seenRef(user.Username) === at.lastRef,
    );
    if (found >= 0) return found + 1;
  }
  return Math.min(at.index, users.length);
}

/** Usernames are case-insensitive in pools created that way; a different name means AdminGetUser hit an alias. */
function sameUser(poolUsername: string | undefined, recordUsername: string): boolean {
  return poolUsername === undefined || poolUsername.toLowerCase() === recordUsername.toLowerCase();
}
