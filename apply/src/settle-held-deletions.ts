// What an operator decides about the deletions a region's breaker held (`cognito-dr deletes`): release them (the users
// are deleted after all, unless their record is live again) or discard them (the users are kept while their record
// stays that tombstone). Every step is idempotent, so a run stopped part-way is finished by running it again.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateTable } from '@cognito-dr/shared';
import {
  errorName,
  getRecord,
  isNamedBySignIn,
  TOMBSTONE_RETENTION_DAYS,
  type UserRecord,
} from '@cognito-dr/shared';
import { createLimiter } from './concurrency';
import { rearmBreaker } from './deletion-breaker';
import { type DeletionHold, dropHold, listHolds, readHold, writeHold } from './held-deletions';
import { randomPassword } from './password';
import { executeOperation, locateTargetUser, type TargetPool } from './target-pool';

export interface HoldsRegion {
  /** The region's state table, where its breaker keeps the holds. */
  state: StateTable;
  /** The region's replica of the users table: whether each held user's record is still a tombstone. */
  users: { table: DynamoDBDocumentClient; tableName: string };
  /** The region's pool, its client paced by the caller (AdminDeleteUser counts against UserUpdate). */
  pool: TargetPool;
  now: () => number;
}

export type HoldDecision = 'release' | 'discard';

export interface SettledHolds {
  /** Released: the user was deleted, their record being still a tombstone (or gone). */
  deleted: string[];
  /** The record is live again (restored or re-created): the hold was dropped and the user kept. */
  live: string[];
  /** Discarded: the user is kept while the record stays the tombstone it is now. */
  discarded: string[];
  /** Named by the operator but holding nothing in this region. */
  notHeld: string[];
  /** Users left as they were, by error name: run again. */
  failed: Record<string, number>;
  /** No deletion is held any more, so the breaker's window was cleared: the next deletions are judged afresh. */
  rearmed: boolean;
}

const SECONDS_PER_DAY = 86_400;

/**
 * Releases or discards the region's pending holds, or, when `usernames` are given, those users' holds whatever their
 * state (so a discard can be released later). Users are settled `concurrency` at a time.
 */
export async function settleHolds(
  region: HoldsRegion,
  decision: HoldDecision,
  options: { usernames?: string[]; concurrency?: number } = {},
): Promise<SettledHolds> {
  const settled: SettledHolds = {
    deleted: [],
    live: [],
    discarded: [],
    notHeld: [],
    failed: {},
    rearmed: false,
  };
  const holds: DeletionHold[] = [];
  if (options.usernames) {
    for (const username of options.usernames) {
      const hold = await readHold(region.state, username);
      if (hold) holds.push(hold);
      else settled.notHeld.push(username);
    }
  } else {
    holds.push(...(await listHolds(region.state)).filter((hold) => hold.state === 'held'));
  }
  const limit = createLimiter(options.concurrency ?? 8);
  await Promise.all(
    holds.map((hold) =>
      limit(async () => {
        try {
          const record = await getRecord(region.users.table, region.users.tableName, hold.username);
          settled[await settleOne(region, decision, hold, record)].push(hold.username);
        } catch (error) {
          const name = errorName(error) ?? 'Error';
          settled.failed[name] = (settled.failed[name] ?? 0) + 1;
        }
      }),
    ),
  );
  if ((await listHolds(region.state)).every((hold) => hold.state !== 'held')) {
    await rearmBreaker(region.state);
    settled.rearmed = true;
  }
  return settled;
}

async function settleOne(
  region: HoldsRegion,
  decision: HoldDecision,
  hold: DeletionHold,
  record: UserRecord | null,
): Promise<'deleted' | 'live' | 'discarded'> {
  if (record && record.deleted !== true) {
    // Nothing is to be deleted any more; the stream (or a repair) converges the user to the live record.
    await dropHold(region.state, hold.username);
    return 'live';
  }
  if (decision === 'release') {
    // The deletion the breaker held, carried out now: the operator is the breaker here. The tombstone names the
    // pool's user where the pool chose its username (user-naming.ts); without a record, the hold's name is all there is.
    const located = record ? await locateTargetUser(region.pool, record) : null;
    const username = located?.username ?? (record && isNamedBySignIn(record) ? undefined : hold.username);
    // undefined: no user of the pool links to the record any more, so there is nobody left to delete.
    if (username !== undefined) {
      await executeOperation(
        { ...region.pool, breaker: null },
        username,
        { type: 'deleteUser', ...(record ? { version: record.version } : {}) },
        randomPassword,
        hold.username,
      );
    }
    await dropHold(region.state, hold.username);
    return 'deleted';
  }
  // Kept while the record is this tombstone; the marker outlives the tombstone by a day, then goes. A user whose
  // tombstone has expired has no record, and the next repair deletes them (through the breaker).
  const now = region.now();
  await writeHold(
    region.state,
    {
      username: hold.username,
      state: 'discarded',
      ...(record ? { version: record.version } : {}),
      heldAt: hold.heldAt,
      discardedAt: now,
    },
    (record?.expiresAt ?? Math.floor(now / 1000) + TOMBSTONE_RETENTION_DAYS * SECONDS_PER_DAY) +
      SECONDS_PER_DAY,
  );
  return 'discarded';
}
