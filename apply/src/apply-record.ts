// Applies one changed user record to the backup pool: reads the truth from the table, plans, and converges.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ApplyVerdict,
  applyVerdict,
  type ConvergeOperation,
  type ConvergeOperationType,
  getRecord,
  isErrorNamed,
  isNamedBySignIn,
  planConvergence,
  type RegionRoles,
  signInIdentifiers,
  type UserRecord,
} from '@cognito-dr/shared';
import { type DeletionBreaker, DeletionHeldError } from './deletion-breaker';
import { ConvergenceConflictError } from './errors';
import { randomPassword } from './password';
import type { ReplicatorClient } from './replicator-client';
import { creationName, executeOperation, locateTargetUser, type TargetPool } from './target-pool';

export interface ApplyDeps {
  /** Client of the backup pool's region. */
  cognito: CognitoIdentityProviderClient;
  /** Client of the replication table in the backup region. */
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  /** This function's region: records written here (after a failover) are not replayed back into this pool. */
  region: string;
  /** Region roles: only records of the active region are applied, and only into a standby pool (applyVerdict). */
  roles: () => Promise<RegionRoles>;
  /**
   * The roles read past any cache, asked again before a tombstone deletes a user: a deletion decided under roles a
   * switch has since replaced must not land. Unset: the `roles` answer stands.
   */
  freshRoles?: () => Promise<RegionRoles>;
  /**
   * Whether a user the pool lacks is created. The backup pool's users are created (with a password nobody knows;
   * they reset it after a failover). The primary pool never gets users pre-created: someone who signed up during
   * a failover keeps their password by migrating on their first sign-in (the UserMigration trigger).
   */
  createMissing: boolean;
  now: () => number;
  newPassword?: () => string;
  /** The backup pool's replicator client: confirmed users are then created with one SignUp call. */
  replicator?: ReplicatorClient;
  /**
   * Remembers a created user's own sub (pool-subs.ts), so a later deletion that CloudTrail names only by that sub can
   * be told whose it was. Unset: not remembered.
   */
  notePoolSub?: (sub: string, username: string) => Promise<void>;
  /** The table's record of a group, for a group a user joins before the pool has it (see TargetPool). */
  groupRecord?: TargetPool['groupRecord'];
  /**
   * Every deletion of one of this pool's users passes it (deletion-breaker.ts). null only for callers whose every
   * deletion is an operator's decision or a replacement.
   */
  breaker: DeletionBreaker | null;
}

export interface RecordChange {
  username: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: UserRecord;
  oldImage?: UserRecord;
  /** Other names the pool may know the user by (a listed user's own username), as ConvergeOptions takes them. */
  alsoKnownAs?: readonly string[];
}

export type ApplyOutcome =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'unchanged'
  /** The pool lacks the user and this pool never pre-creates: the user migrates on first sign-in. */
  | 'awaiting-migration'
  /** The record is a tombstone but the deletion breaker held the deletion: the user stays (`cognito-dr deletes`). */
  | 'held'
  | 'skipped-own-origin'
  | 'skipped-remove'
  /** Region roles say not to apply this record here (see applyVerdict); a failover or failback catches up. */
  | `skipped-${Exclude<Extract<ApplyVerdict, { apply: false }>['reason'], 'own-origin'>}`;

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** Version of the record the backup was converged to. */
  version?: number;
  /** now - record.updatedAt: how far the backup pool trails the primary for this user. */
  lagMs?: number;
  /** Operations carried out, in order (names only, no values). */
  operations?: ConvergeOperationType[];
  /** The pool's own username of the user converged, where known (it differs from the record's where generated). */
  poolUsername?: string;
}

/** A backup user that keeps changing under us is somebody else's fight; give the stream a chance to retry. */
const MAX_CONVERGE_ROUNDS = 3;

/**
 * Makes the backup user match the newest known snapshot of the user. Replays, duplicates, out-of-order records
 * and redrives are all safe: the stream record only says "this user changed", the table says what it is now.
 */
export async function applyRecordChange(
  deps: ApplyDeps,
  change: RecordChange,
  /** The user's table record if the caller has just read it (null: the table has none); read here otherwise. */
  known?: UserRecord | null,
): Promise<ApplyResult> {
  // The item going away is TTL removing an old tombstone (or an operator tidying up); the user's fate was
  // settled by the records before it. A replica that deleted users on item removal would be a loaded gun.
  if (change.eventName === 'REMOVE') return { outcome: 'skipped-remove' };
  const streamed = change.newImage;
  if (!streamed) throw new MissingImageError(change.eventName);
  // Written in this region: the pool here is the source of that record, replaying it would loop on failback.
  if (streamed.origin === deps.region) return { outcome: 'skipped-own-origin', version: streamed.version };

  const stored = known === undefined ? await getRecord(deps.table, deps.tableName, change.username) : known;
  const target = stored && stored.version > streamed.version ? stored : streamed;
  if (target.origin === deps.region) return { outcome: 'skipped-own-origin', version: target.version };
  const cached = await deps.roles();
  let verdict = applyVerdict(cached, deps.region, target.origin);
  // A deletion cannot be undone: decided under cached roles, it waits for the roles as they are now.
  if (verdict.apply && target.deleted === true && deps.freshRoles) {
    const now = await deps.freshRoles();
    if (now.revision !== cached.revision) verdict = applyVerdict(now, deps.region, target.origin);
  }
  if (!verdict.apply)
    return { outcome: `skipped-${verdict.reason}` as ApplyOutcome, version: target.version };

  // A first sighting of the user (INSERT, and the table has nothing newer) almost always means the backup user
  // does not exist yet: create straight away and save a read. If it does exist, the create fails with
  // UsernameExistsException and the loop below reads and converges as usual.
  return convergeUser(deps, target, {
    likelyAbsent: change.eventName === 'INSERT' && target === streamed,
    // Where users are found by email or phone number, the backup user still has the ones it had before this change.
    alsoKnownAs: [
      ...(change.alsoKnownAs ?? []),
      ...[streamed, change.oldImage]
        .filter((image): image is UserRecord => image !== undefined && image !== target)
        .flatMap((image) => signInIdentifiers(image.attributes)),
    ],
  });
}

/** What converging one user needs: the pool, and whether this pool creates the users it lacks. */
export type ConvergeDeps = Pick<
  ApplyDeps,
  | 'cognito'
  | 'userPoolId'
  | 'createMissing'
  | 'now'
  | 'newPassword'
  | 'notePoolSub'
  | 'breaker'
  | 'groupRecord'
  | 'replicator'
>;

/**
 * Makes the pool's user match `record`, whatever region roles say: for callers that have already decided this
 * record belongs in this pool (the stream consumer after its checks, a failover's catch-up, a migration's
 * completion, repair).
 */
export async function convergeUser(
  deps: ConvergeDeps,
  record: UserRecord,
  options: ConvergeOptions = {},
): Promise<ApplyResult> {
  const { operations, poolUsername } = await converge(deps, record, options);
  return {
    ...(poolUsername === undefined ? {} : { poolUsername }),
    outcome:
      operations === AWAITING_MIGRATION
        ? 'awaiting-migration'
        : operations === HELD
          ? 'held'
          : outcomeOf(operations),
    version: record.version,
    lagMs: Math.max(0, deps.now() - record.updatedAt),
    operations: typeof operations === 'symbol' ? [] : operations,
  };
}

/**
 * Converges the backup user to the user's table record, whatever stream record prompted it (a redrive: the
 * stream has moved on, the table has not). Resolves undefined when the table has no record of the user.
 */
export async function reapplyUser(deps: ApplyDeps, username: string): Promise<ApplyResult | undefined> {
  const record = await getRecord(deps.table, deps.tableName, username);
  if (!record) return undefined;
  return applyRecordChange(deps, { username, eventName: 'MODIFY', newImage: record }, record);
}

export interface ConvergeOptions {
  /** The user was only just seen for the first time: create without reading first (a taken name re-reads). */
  likelyAbsent?: boolean;
  /**
   * Sign-in identifiers the pool's user may still have (the email before a change), where the pool finds users by
   * them (user-naming.ts); the link to the home sub decides which user is the record's.
   */
  alsoKnownAs?: readonly string[];
}

/** converge's answer when the user is missing from a pool that never pre-creates users. */
const AWAITING_MIGRATION = Symbol('awaiting migration');
/** converge's answer when the breaker held the user's deletion. */
const HELD = Symbol('held');

/**
 * The plan as this pool may carry it out: where users are never pre-created, a replacement stops at the deletion
 * (the right user migrates in later) and a plain creation is not made at all.
 */
function allowedPlan(
  plan: ConvergeOperation[],
  createMissing: boolean,
): ConvergeOperation[] | typeof AWAITING_MIGRATION {
  if (createMissing) return plan;
  const creates = plan.findIndex((operation) => operation.type === 'createUser');
  if (creates < 0) return plan;
  return creates === 0 ? AWAITING_MIGRATION : plan.slice(0, creates);
}

async function converge(
  deps: ConvergeDeps,
  record: UserRecord,
  { likelyAbsent = false, alsoKnownAs = [] }: ConvergeOptions,
): Promise<{
  operations: ConvergeOperationType[] | typeof AWAITING_MIGRATION | typeof HELD;
  poolUsername?: string;
}> {
  const pool = {
    cognito: deps.cognito,
    userPoolId: deps.userPoolId,
    breaker: deps.breaker,
    groupRecord: groupRecordFor(deps, record),
    replicator: deps.replicator,
  };
  const newPassword = deps.newPassword ?? randomPassword;
  const done: ConvergeOperationType[] = [];
  for (let round = 1; round <= MAX_CONVERGE_ROUNDS; round++) {
    const located =
      round === 1 && likelyAbsent && deps.createMissing
        ? null
        : await locateTargetUser(pool, record, alsoKnownAs);
    const plan = allowedPlan(
      planConvergence(located?.state ?? null, record, { confirmedCreate: deps.replicator !== undefined }),
      deps.createMissing,
    );
    if (plan === AWAITING_MIGRATION) return { operations: done.length > 0 ? done : AWAITING_MIGRATION };
    if (plan.length === 0) return { operations: done, poolUsername: located?.username };
    // The pool's own name for the user: the record's username, or one the pool generated (user-naming.ts).
    let address = located?.username ?? record.username;
    try {
      for (const operation of plan) {
        const name = operation.type === 'createUser' ? await creationName(pool, record) : address;
        const created = await executeOperation(pool, name, operation, newPassword, record.username);
        done.push(operation.type);
        // A generated username is the new user's sub (a user created by anything but the record's username has one);
        // the identifier it was created with would do as well.
        if (operation.type === 'createUser')
          address = isNamedBySignIn(record) || name !== record.username ? (created ?? name) : name;
        if (created && deps.notePoolSub) await deps.notePoolSub(created, record.username);
      }
      return { operations: done, poolUsername: done.at(-1) === 'deleteUser' ? undefined : address };
    } catch (error) {
      // Held, not failed: retrying would only ask the breaker again (it answers from the hold, counting nothing).
      if (error instanceof DeletionHeldError) return { operations: HELD };
      // Someone created or deleted the backup user between our read and our write: read again and re-plan.
      if (!isErrorNamed(error, 'UsernameExistsException', 'UserNotFoundException')) throw error;
    }
  }
  throw new ConvergenceConflictError(MAX_CONVERGE_ROUNDS);
}

/**
 * The group records as this member's record may use them. A group buried before the member was read, yet named by
 * the member, was created again in the active pool since; its new record has not arrived here yet, so the group is
 * made bare (its record completes it) rather than the membership dropped.
 */
function groupRecordFor(deps: ConvergeDeps, member: UserRecord): TargetPool['groupRecord'] {
  const read = deps.groupRecord;
  if (!read) return undefined;
  return async (groupName) => {
    const found = await read(groupName);
    return found?.deleted === true && (found.deletedAt ?? 0) < member.updatedAt ? null : found;
  };
}

function outcomeOf(operations: ConvergeOperationType[]): ApplyOutcome {
  if (operations.length === 0) return 'unchanged';
  if (operations.includes('createUser')) return 'created';
  if (operations.includes('deleteUser')) return 'deleted';
  return 'updated';
}

/** An INSERT or MODIFY without NewImage: the stream is not configured with NEW_IMAGE or NEW_AND_OLD_IMAGES. */
export class MissingImageError extends Error {
  override readonly name = 'MissingImageError';

  constructor(eventName: string) {
    super(`${eventName} record has no NewImage; the stream view type must include new images`);
  }
}
