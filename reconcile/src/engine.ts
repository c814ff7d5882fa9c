// The walk every bulk run makes, in proportion to change rather than to users: list a pool (ListUsers in parallel
// sub-prefix partitions, 60 a page, each page's records read at once) and its group members (ListUsersInGroup per
// group), then scan the table for records the listing did not account for. Per-user calls go only to users whose
// listing differs from their record. What to compare and how to repair is the direction's (reconcile-direction.ts,
// repair-direction.ts).
//
// Records are read eventually consistently (half the price of a strongly consistent read): a read here only
// decides whether to look closer. Every write, and every decision to delete, re-reads the record consistently
// first, so a record changed within the last second is at worst looked at again, or left to the next pass. An
// incremental walk (`modifiedSince`) reads the records of the users the pool shows modified since then only, and
// neither lists group members nor scans the table: a run reads in proportion to what changed, and the periodic
// full walk catches what only it can (departed users, group changes CloudTrail missed).
import {
  ListUsersCommand,
  paginateListGroups,
  paginateListUsers,
  paginateListUsersInGroup,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { createLimiter } from '@cognito-dr/apply';
import {
  attributesOf,
  type CallCounts,
  type Clock,
  COGNITO_PAGE_SIZE,
  errorName,
  getRecords,
  isErrorNamed,
  isGroupKey,
  linkedSub,
  normalizeGroups,
  QUOTA_CATEGORIES,
  recordFromItem,
  recordKeyOf,
  TABLE_KEY,
  type UserRecord,
  userRef,
} from '@cognito-dr/shared';
import {
  type Checkpoint,
  CheckpointMismatchError,
  type CheckpointStore,
  type Chunk,
  type Counts,
  LeaseLostError,
  newCheckpoint,
  type RunMode,
  zeroCounts,
} from './checkpoint';
import type { GroupCounts } from './group-pass';
import type { BudgetedCognito } from './quota';
import { decodeRefs, encodeRefs, RefSet, refOf } from './refs';

/** What happened to one user, for the CLI's --verbose listing. */
export type UserOutcome = 'created' | 'updated' | 'tombstoned' | 'deleted' | 'unchanged' | 'failed';

/** What one direction compares and repairs; the engine only walks. */
export interface Direction {
  mode: RunMode;
  /** List the pool's group members (compared in the table phase), or trust each record's groups. */
  listsGroups: boolean;
  /** Scan the table for records the listing did not account for. */
  scansTable: boolean;
  /** Whether a listed user may differ from its record (null: the table has none; undefined: unreadable). */
  differs(user: UserType, record: UserRecord | null | undefined): boolean;
  /** Looks closer at a listed user that differs and repairs it. 'vanished': gone since the listing. */
  settleListed(user: UserType, record: UserRecord | null | undefined): Promise<UserOutcome | 'vanished'>;
  /** A live record whose user the listing did not show, or whose groups differ from the group listing. */
  settleRecord(record: UserRecord): Promise<UserOutcome>;
}

export interface WalkTarget {
  /** The listed pool's client, already behind its budget. */
  cognito: BudgetedCognito;
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  clock: Clock;
  checkpoints: CheckpointStore;
}

export interface Progress {
  mode: RunMode;
  phase: Checkpoint['phase'];
  counts: Counts;
  /** Time worked across every resumed invocation. */
  workedMs: number;
}

export interface WalkOptions {
  /** Decide and count, but change nothing. */
  dryRun?: boolean;
  /** Per-user work at once within a page; the budget keeps the rates whatever this is. */
  concurrency?: number;
  /** ListUsers partitions by the first hex digit of `sub` (16), or 1 for the whole pool in one listing. */
  partitions?: 1 | 16;
  /** Parallel Scan segments of the table. */
  segments?: number;
  /** Groups whose members are listed at once. */
  groupConcurrency?: number;
  /** Records per Scan page. */
  scanPageSize?: number;
  /** Asked between pages; true stops the run at a checkpoint (Lambda time running out, Ctrl-C). */
  shouldStop?: () => boolean;
  /** Checkpoints are written at least this often (and always when stopping). */
  checkpointEveryMs?: number;
  /**
   * An incremental walk: listed users whose UserLastModifiedDate is before this time (epoch ms) count as unchanged
   * without their record being read, and neither group members nor the table are walked. Undefined: a full walk.
   * A resumed run keeps what it started with.
   */
  modifiedSince?: number;
  onProgress?: (progress: Progress) => void;
  onUser?: (username: string, outcome: UserOutcome) => void;
  /** Failure details for the caller's log: never the username, only its reference and the error's name. */
  onFailure?: (failure: { user: string; phase: Checkpoint['phase']; error: string }) => void;
  /** A group the run's group pass could not settle (group names are not user data). */
  onGroupFailure?: (failure: { group: string; error: string }) => void;
}

export interface RunResult {
  mode: RunMode;
  dryRun: boolean;
  /** False when the run stopped at a checkpoint and must be continued. */
  complete: boolean;
  phase: Checkpoint['phase'];
  /** Totals of the whole run, resumed invocations included. */
  counts: Counts;
  /** What this invocation alone did (what metrics add up). */
  delta: Counts;
  /** Cognito calls of the whole run, by quota category. */
  calls: CallCounts;
  /** Cognito calls of this invocation alone. */
  callsDelta: CallCounts;
  /** This invocation's duration. */
  durationMs: number;
  /** Time worked across every invocation of the run. */
  workedMs: number;
  invocations: number;
  /** The group pass, made by the invocation that started the run. */
  groups?: GroupCounts;
}

const DEFAULTS = {
  concurrency: 8,
  partitions: 16 as 1 | 16,
  segments: 4,
  groupConcurrency: 4,
  checkpointEveryMs: 5_000,
  /** Small enough that a stop never waits long for a page; large enough that a million records are a few thousand calls. */
  scanPageSize: 500,
};
/** References per chunk: well inside DynamoDB's 400 KB item limit with the key and attributes around it. */
const MAX_CHUNK_REFS = 50_000;
const HEX_DIGITS = '0123456789abcdef';

/** Runs (or continues, when the store holds a checkpoint of the same kind) one walk in `direction`. */
export async function walk(
  target: WalkTarget,
  direction: Direction,
  options: WalkOptions,
): Promise<RunResult> {
  const saved = await target.checkpoints.load();
  const run = new Walk(target, direction, options, saved?.checkpoint);
  if (saved) run.restore(saved.chunks);
  return run.execute();
}

class Walk {
  private readonly dryRun: boolean;
  private readonly settings: typeof DEFAULTS;
  private readonly checkpoint: Checkpoint;
  private readonly delta = zeroCounts();
  private readonly callsBefore: CallCounts;
  private readonly startedAt: number;
  private readonly workedBefore: number;
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Every reference learnt so far; the tail past `flushed` is not in a chunk yet. */
  private readonly seen: number[] = [];
  private readonly members = new Map<string, number[]>();
  private readonly flushed = new Map<string, number>();
  private saving: Promise<void> = Promise.resolve();
  private lastSave: number;
  private stopped = false;
  /** What this walk does besides listing users: the direction's choice, less both for an incremental walk. */
  private readonly listsGroups: boolean;
  private readonly scansTable: boolean;

  constructor(
    private readonly target: WalkTarget,
    private readonly direction: Direction,
    private readonly options: WalkOptions,
    resumed: Checkpoint | undefined,
  ) {
    this.dryRun = options.dryRun === true;
    this.settings = {
      concurrency: Math.max(1, Math.floor(options.concurrency ?? DEFAULTS.concurrency)),
      partitions: options.partitions ?? DEFAULTS.partitions,
      segments: Math.max(1, Math.floor(options.segments ?? DEFAULTS.segments)),
      groupConcurrency: Math.max(1, Math.floor(options.groupConcurrency ?? DEFAULTS.groupConcurrency)),
      checkpointEveryMs: options.checkpointEveryMs ?? DEFAULTS.checkpointEveryMs,
      scanPageSize: options.scanPageSize ?? DEFAULTS.scanPageSize,
    };
    this.limit = createLimiter(this.settings.concurrency);
    this.startedAt = target.clock.now();
    this.lastSave = this.startedAt;
    if (resumed) this.assertResumable(resumed);
    this.checkpoint =
      resumed ??
      newCheckpoint(
        {
          mode: direction.mode,
          dryRun: this.dryRun,
          userPoolId: target.userPoolId,
          tableName: target.tableName,
          ...(options.modifiedSince === undefined ? {} : { modifiedSince: options.modifiedSince }),
        },
        this.startedAt,
      );
    this.checkpoint.invocations += 1;
    const incremental = this.checkpoint.modifiedSince !== undefined;
    this.listsGroups = direction.listsGroups && !incremental;
    this.scansTable = direction.scansTable && !incremental;
    this.workedBefore = this.checkpoint.workedMs;
    this.callsBefore = { ...this.checkpoint.calls };
  }

  restore(chunks: Chunk[]): void {
    for (const chunk of chunks) {
      const refs = decodeRefs(chunk.refs);
      const list = chunk.kind === 'seen' ? this.seen : this.membersOf(chunk.group);
      for (const ref of refs) list.push(ref);
    }
    this.flushed.set('', this.seen.length);
    for (const [group, refs] of this.members) this.flushed.set(`#${group}`, refs.length);
  }

  async execute(): Promise<RunResult> {
    let complete = false;
    try {
      if (this.checkpoint.phase === 'listing') {
        complete = await this.listing();
        if (complete && this.scansTable) {
          this.checkpoint.phase = 'table';
          await this.save();
        }
      }
      if (this.checkpoint.phase === 'table') complete = await this.tablePhase();
    } catch (error) {
      // A listing that fails past the SDK's retries ends the invocation, never the progress made so far; a run that
      // lost its lease writes nothing more, its successor has the checkpoint.
      if (!(error instanceof LeaseLostError)) await this.save().catch(() => {});
      throw error;
    }
    if (complete) await this.saving.then(() => this.target.checkpoints.clear());
    else await this.save();
    const now = this.target.clock.now();
    return {
      mode: this.direction.mode,
      dryRun: this.dryRun,
      complete,
      phase: this.checkpoint.phase,
      counts: { ...this.checkpoint.counts },
      delta: { ...this.delta },
      calls: this.callsNow(),
      callsDelta: { ...this.target.cognito.calls },
      durationMs: now - this.startedAt,
      workedMs: this.workedBefore + (now - this.startedAt),
      invocations: this.checkpoint.invocations,
    };
  }

  /**
   * Waits for every worker. The first failure stops the others at their next page, and is thrown only once all have
   * ended: nothing may still be working on the checkpoint when the invocation saves it and returns.
   */
  private async together(workers: Promise<void>[]): Promise<void> {
    const results = await Promise.allSettled(
      workers.map((worker) =>
        worker.catch((error: unknown) => {
          this.stopped = true;
          throw error;
        }),
      ),
    );
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private stop(): boolean {
    if (!this.stopped && this.options.shouldStop?.()) this.stopped = true;
    return this.stopped;
  }

  // ---- listing phase: users in partitions, group members beside them -------------------------------------------

  private async listing(): Promise<boolean> {
    if (this.checkpoint.partitions.length === 0) {
      this.checkpoint.partitions = (await this.partitionPrefixes()).map((prefix) => ({
        prefix,
        done: false,
      }));
    }
    if (!this.listsGroups) this.checkpoint.groups.listed = true;
    await this.together([
      this.listGroups(),
      ...this.checkpoint.partitions.map((partition) => this.listPartition(partition)),
    ]);
    const { groups, partitions } = this.checkpoint;
    return groups.listed && groups.pending.length === 0 && partitions.every((partition) => partition.done);
  }

  /** Sixteen sub prefixes where the pool takes a prefix filter on sub; the whole pool in one listing elsewhere. */
  private async partitionPrefixes(): Promise<string[]> {
    if (this.settings.partitions === 1) return [''];
    try {
      await this.target.cognito.client.send(
        new ListUsersCommand({
          UserPoolId: this.target.userPoolId,
          Filter: subPrefixFilter('0'),
          Limit: 1,
        }),
      );
    } catch (error) {
      if (!isErrorNamed(error, 'InvalidParameterException')) throw error;
      return [''];
    }
    return [...HEX_DIGITS];
  }

  private async listPartition(partition: Checkpoint['partitions'][number]): Promise<void> {
    /** The token came from a checkpoint (possibly hours old) rather than from the page just read. */
    let resumedToken = partition.token !== undefined;
    while (!partition.done && !this.stop()) {
      try {
        const pages = paginateListUsers(
          { client: this.target.cognito.client, pageSize: COGNITO_PAGE_SIZE, startingToken: partition.token },
          {
            UserPoolId: this.target.userPoolId,
            Filter: partition.prefix === '' ? undefined : subPrefixFilter(partition.prefix),
          },
        );
        for await (const page of pages) {
          resumedToken = false;
          const seen = await this.comparePage(page.Users ?? []);
          // Position and what the page taught move together, so a checkpoint never holds one without the other.
          partition.token = page.PaginationToken || undefined;
          partition.done = partition.token === undefined;
          for (const ref of seen) this.seen.push(ref);
          await this.progressed();
          if (this.stop()) return;
        }
        partition.done = true;
      } catch (error) {
        // A token from an old checkpoint may have expired: list the partition again; done users come out unchanged.
        if (!(resumedToken && isErrorNamed(error, 'InvalidParameterException'))) throw error;
        resumedToken = false;
        partition.token = undefined;
      }
    }
  }

  /**
   * One listed page against its records; returns the references of the users it accounted for (none when the walk
   * does not scan the table: nothing would look them up).
   */
  private async comparePage(users: UserType[]): Promise<number[]> {
    const named = users.filter((user): user is UserType & { Username: string } => Boolean(user.Username));
    const since = this.checkpoint.modifiedSince;
    const unmodified = (user: UserType) =>
      since !== undefined &&
      user.UserLastModifiedDate !== undefined &&
      user.UserLastModifiedDate.getTime() < since;
    const toCompare = named.filter((user) => !unmodified(user));
    for (const user of named) {
      if (toCompare.includes(user)) continue;
      this.count('checked');
      this.settle(listedKeyOf(user), 'unchanged');
    }
    const records = await getRecords(this.target.table, this.target.tableName, toCompare.map(listedKeyOf), {
      consistent: false,
    });
    const seen: number[] = [];
    const keep = this.scansTable;
    await Promise.all(
      toCompare.map((user) =>
        this.limit(async () => {
          const username = listedKeyOf(user);
          const record = records.get(username);
          this.count('checked');
          try {
            if (!this.direction.differs(user, record)) {
              if (keep) seen.push(refOf(username));
              this.settle(username, 'unchanged');
              return;
            }
            const outcome = await this.direction.settleListed(user, record);
            // Deleted since the listing: not seen, so the table phase confirms the deletion.
            if (outcome === 'vanished') {
              this.uncount('checked');
              return;
            }
            if (keep) seen.push(refOf(username));
            this.settle(username, outcome);
          } catch (error) {
            if (error instanceof LeaseLostError) throw error;
            if (keep) seen.push(refOf(username));
            this.fail(username, 'listing', error);
          }
        }),
      ),
    );
    if (keep) for (const user of named) if (unmodified(user)) seen.push(refOf(listedKeyOf(user)));
    return seen;
  }

  private async listGroups(): Promise<void> {
    const groups = this.checkpoint.groups;
    const client = this.target.cognito.client;
    const UserPoolId = this.target.userPoolId;
    if (!groups.listed) {
      const pages = paginateListGroups(
        { client, pageSize: COGNITO_PAGE_SIZE, startingToken: groups.token },
        { UserPoolId },
      );
      for await (const page of pages) {
        for (const group of page.Groups ?? [])
          if (group.GroupName) groups.pending.push({ name: group.GroupName });
        groups.token = page.NextToken || undefined;
        if (this.stop()) return;
      }
      groups.listed = true;
      groups.token = undefined;
    }
    const queue = [...groups.pending];
    const worker = async () => {
      for (let entry = queue.shift(); entry && !this.stop(); entry = queue.shift()) {
        const current = entry;
        const pages = paginateListUsersInGroup(
          { client, pageSize: COGNITO_PAGE_SIZE, startingToken: current.token },
          { UserPoolId, GroupName: current.name },
        );
        let finished = true;
        try {
          for await (const page of pages) {
            const refs = (page.Users ?? []).flatMap((user) =>
              user.Username ? [refOf(listedKeyOf({ ...user, Username: user.Username }))] : [],
            );
            current.token = page.NextToken || undefined;
            const list = this.membersOf(current.name);
            for (const ref of refs) list.push(ref);
            // Checkpoints (and the lease's renewal with them) go on while only groups are left to list.
            await this.progressed();
            if (current.token !== undefined && this.stop()) {
              finished = false;
              break;
            }
          }
        } catch (error) {
          // Deleted while we listed it: it has no members any more.
          if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
        }
        if (finished) groups.pending = groups.pending.filter((pending) => pending !== current);
      }
    };
    await Promise.all(Array.from({ length: this.settings.groupConcurrency }, worker));
  }

  // ---- table phase: records the listing did not account for ----------------------------------------------------

  private async tablePhase(): Promise<boolean> {
    const seen = new RefSet(this.seen);
    const groupsOf = this.listsGroups ? this.membership() : undefined;
    if (this.checkpoint.segments.length === 0) {
      this.checkpoint.segments = Array.from({ length: this.settings.segments }, () => ({ done: false }));
    }
    const total = this.checkpoint.segments.length;
    await this.together(
      this.checkpoint.segments.map(async (segment, index) => {
        if (segment.done || this.stop()) return;
        const pages = paginateScan(
          {
            client: this.target.table,
            pageSize: this.settings.scanPageSize,
            startingToken: segment.startKey,
          },
          {
            TableName: this.target.tableName,
            Segment: index,
            TotalSegments: total,
            // Eventually consistent: an item here only prompts a closer look. A record written in the last second may
            // show its older self (the direction re-reads before it writes or deletes anything), or not show at all
            // (then it was written by a capture of a user the listing saw, or is the next pass's).
            ConsistentRead: false,
          },
        );
        for await (const page of pages) {
          await Promise.all(
            (page.Items ?? []).map((item) => this.limit(() => this.checkItem(item, seen, groupsOf))),
          );
          segment.startKey = page.LastEvaluatedKey;
          await this.progressed();
          if (segment.startKey !== undefined && this.stop()) return;
        }
        segment.done = true;
        segment.startKey = undefined;
      }),
    );
    return this.checkpoint.segments.every((segment) => segment.done);
  }

  private async checkItem(
    item: Record<string, unknown>,
    seen: RefSet,
    groupsOf: Map<number, string[]> | undefined,
  ): Promise<void> {
    const username = typeof item[TABLE_KEY] === 'string' ? (item[TABLE_KEY] as string) : '';
    // Group records are the group pass's (group-pass.ts); no user is keyed like one.
    if (isGroupKey(username)) return;
    const ref = refOf(username);
    const listed = seen.has(ref);
    // An unreadable record of a listed user was already counted by the listing phase.
    if (listed && !groupsOf) return;
    // Most records are of listed users in the groups they were listed in: decided on the raw item, unparsed.
    if (item.deleted === true) return;
    if (listed && Array.isArray(item.groups) && sameGroups(item.groups as string[], groupsOf?.get(ref) ?? []))
      return;
    let record: UserRecord;
    try {
      record = recordFromItem(item);
    } catch (error) {
      if (!listed) {
        this.count('checked');
        this.fail(username, 'table', error);
      }
      return;
    }
    if (record.deleted === true) return;
    if (listed && sameGroups(record.groups, groupsOf?.get(ref) ?? [])) return;
    if (!listed) this.count('checked');
    try {
      const outcome = await this.direction.settleRecord(record);
      if (listed && outcome === 'unchanged') return; // already counted by the listing phase
      if (listed) this.uncount('unchanged');
      this.settle(record.username, outcome);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      if (listed) this.uncount('unchanged');
      this.fail(record.username, 'table', error);
    }
  }

  /** Group names by member reference, from the group listing. */
  private membership(): Map<number, string[]> {
    const groupsOf = new Map<number, string[]>();
    for (const [group, refs] of this.members) {
      for (const ref of refs) {
        const list = groupsOf.get(ref);
        if (list) list.push(group);
        else groupsOf.set(ref, [group]);
      }
    }
    return groupsOf;
  }

  // ---- bookkeeping ----------------------------------------------------------------------------------------------

  private membersOf(group: string): number[] {
    let list = this.members.get(group);
    if (!list) {
      list = [];
      this.members.set(group, list);
    }
    return list;
  }

  private settle(username: string, outcome: UserOutcome): void {
    this.count(outcome);
    this.options.onUser?.(username, outcome);
  }

  private fail(username: string, phase: Checkpoint['phase'], error: unknown): void {
    this.count('failed');
    this.options.onFailure?.({
      user: username ? userRef(username) : 'unknown',
      phase,
      error: errorName(error) ?? 'unknown',
    });
    if (username) this.options.onUser?.(username, 'failed');
  }

  private count(key: keyof Counts): void {
    this.checkpoint.counts[key] += 1;
    this.delta[key] += 1;
  }

  private uncount(key: keyof Counts): void {
    this.checkpoint.counts[key] -= 1;
    this.delta[key] -= 1;
  }

  private callsNow(): CallCounts {
    const calls = { ...this.callsBefore };
    for (const category of QUOTA_CATEGORIES) calls[category] += this.target.cognito.calls[category];
    return calls;
  }

  private async progressed(): Promise<void> {
    const now = this.target.clock.now();
    this.options.onProgress?.({
      mode: this.direction.mode,
      phase: this.checkpoint.phase,
      counts: { ...this.checkpoint.counts },
      workedMs: this.workedBefore + (now - this.startedAt),
    });
    if (now - this.lastSave >= this.settings.checkpointEveryMs) await this.save();
  }

  /**
   * Takes the checkpoint and the references not yet in a chunk at one instant (no await in between, so every
   * partition's position matches what it learnt), then writes them after any save still under way.
   */
  private save(): Promise<void> {
    this.lastSave = this.target.clock.now();
    const added: Chunk[] = [];
    const take = (list: number[], key: string, chunk: (refs: Uint8Array) => Chunk) => {
      for (let from = this.flushed.get(key) ?? 0; from < list.length; from += MAX_CHUNK_REFS) {
        added.push(chunk(encodeRefs(list.slice(from, from + MAX_CHUNK_REFS))));
      }
      this.flushed.set(key, list.length);
    };
    take(this.seen, '', (refs) => ({ kind: 'seen', refs }));
    for (const [group, list] of this.members)
      take(list, `#${group}`, (refs) => ({ kind: 'members', group, refs }));
    this.checkpoint.chunks += added.length;
    const snapshot: Checkpoint = structuredClone({
      ...this.checkpoint,
      calls: this.callsNow(),
      workedMs: this.workedBefore + (this.lastSave - this.startedAt),
    });
    this.saving = this.saving.then(() => this.target.checkpoints.save(snapshot, added));
    return this.saving;
  }

  private assertResumable(checkpoint: Checkpoint): void {
    const expected = {
      mode: this.direction.mode,
      dryRun: this.dryRun,
      userPoolId: this.target.userPoolId,
      tableName: this.target.tableName,
    };
    for (const [field, value] of Object.entries(expected)) {
      const actual = checkpoint[field as keyof typeof expected];
      if (actual !== value) {
        throw new CheckpointMismatchError(
          `checkpoint was written for ${field} ${JSON.stringify(actual)}, this run has ${JSON.stringify(value)}; ` +
            'use another checkpoint or delete it to start over',
        );
      }
    }
  }
}

/** ListUsers' prefix filter on sub: subs are lower-case UUIDs, so the sixteen hex digits cover every user. */
const subPrefixFilter = (prefix: string) => `sub ^= "${prefix}"`;

/**
 * The key of a listed user's record: its username, or where the pool generated the username, its home sub
 * (user-naming.ts).
 */
export function listedKeyOf(user: UserType & { Username: string }): string {
  const attributes = attributesOf(user);
  return recordKeyOf(user.Username, attributes, linkedSub(attributes) ?? user.Username);
}

const sameGroups = (recorded: readonly string[], listed: readonly string[]): boolean => {
  const a = normalizeGroups(recorded);
  const b = normalizeGroups(listed);
  return a.length === b.length && a.every((group, index) => group === b[index]);
};
