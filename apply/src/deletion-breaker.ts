// Keeps a mass deletion in the active pool from emptying the standby pool within minutes. Every deletion of a pool
// user asks the breaker first (executeOperation in target-pool.ts); past the threshold within the window, further
// deletions are held: the users stay in the pool, listed in this region's state table (held-deletions.ts), until
// `cognito-dr deletes` releases or discards them.
import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, paginateQuery, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StateTable } from '@cognito-dr/shared';
import { ConfigError, type EnvReader } from '@cognito-dr/shared';
import { dropHold, holdKeepsUser, readHold, writeHold } from './held-deletions';

/** More than max(minimum, percent % of the pool) deletions within windowMinutes trips the breaker. */
export interface BreakerSettings {
  minimum: number;
  percent: number;
  windowMinutes: number;
}

export const DEFAULT_BREAKER_SETTINGS: Readonly<BreakerSettings> = {
  minimum: 10,
  percent: 1,
  windowMinutes: 5,
};

/** DELETE_BREAKER_MINIMUM (whole number), DELETE_BREAKER_PERCENT (at most 100), DELETE_BREAKER_WINDOW_MINUTES. */
export function breakerSettingsFromEnv(env: EnvReader): BreakerSettings {
  const minimum = env.positiveNumber('DELETE_BREAKER_MINIMUM', DEFAULT_BREAKER_SETTINGS.minimum);
  if (!Number.isInteger(minimum)) {
    throw new ConfigError('environment variable DELETE_BREAKER_MINIMUM must be a whole number');
  }
  const percent = env.positiveNumber('DELETE_BREAKER_PERCENT', DEFAULT_BREAKER_SETTINGS.percent);
  if (percent > 100) throw new ConfigError('environment variable DELETE_BREAKER_PERCENT must be at most 100');
  return {
    minimum,
    percent,
    windowMinutes: env.positiveNumber(
      'DELETE_BREAKER_WINDOW_MINUTES',
      DEFAULT_BREAKER_SETTINGS.windowMinutes,
    ),
  };
}

export interface DeletionBreaker {
  /**
   * Whether the deletion of `username`, asked for by the record at `version` (undefined: the user has no record), may
   * go ahead now. A deletion refused is recorded as held before this resolves.
   */
  admit(username: string, version: number | undefined): Promise<boolean>;
}

/** What a newly held deletion reports (names the user: log it as a userRef). */
export interface HeldDeletion {
  username: string;
  version: number | undefined;
  /** Deletions counted in the window, this one included. */
  count: number;
  threshold: number;
}

export interface BreakerDeps {
  /** This region's state table: the window's counters and the holds. */
  state: StateTable;
  /** The pool the deletions are made in; its EstimatedNumberOfUsers sets the percentage's share. */
  pool: SizedPool;
  settings?: BreakerSettings;
  now: () => number;
  /** Told of each deletion newly held (for the DeletionsHeld metric and a log line). */
  onHeld?: (held: HeldDeletion) => void;
}

/** A held deletion, as executeOperation reports it: the user stays. Callers report it as held, never retry it. */
export class DeletionHeldError extends Error {
  override readonly name = 'DeletionHeldError';

  constructor() {
    super('deletion held by the deletion breaker; see `cognito-dr deletes --list`');
  }
}

const WINDOW_PK = 'deletion-window';
/**
 * The window is counted in buckets of a fifth of it: the current bucket and the five before it, so every deletion of
 * the last full window is counted (and at most a fifth more).
 */
const BUCKETS_PER_WINDOW = 5;
/** Pool size is read at most this often per process: DescribeUserPool is UserPoolRead (15 rps for the account). */
const POOL_SIZE_MAX_AGE_MS = 5 * 60_000;

const thresholdOf = (settings: BreakerSettings, poolSize: number): number =>
  Math.max(settings.minimum, Math.floor((poolSize * settings.percent) / 100));

/**
 * The breaker of one pool. Counting is right with any number of concurrent callers: each deletion adds one to the
 * current bucket with an atomic ADD and takes the count it gets back as its own place in that bucket, so no two
 * deletions share a place, and the earlier buckets (closed: time has moved on) only add a fixed amount. At most
 * threshold deletions are admitted per window whatever the interleaving. Held deletions are counted too, so the
 * breaker stays open while a mass deletion goes on; a held user asked about again is answered from its hold and
 * not counted again.
 */
export function deletionBreaker(deps: BreakerDeps): DeletionBreaker {
  const settings = deps.settings ?? DEFAULT_BREAKER_SETTINGS;
  const poolSize = cachedPoolSize(deps.pool, deps.now);
  return {
    async admit(username, version) {
      const hold = await readHold(deps.state, username);
      if (hold && holdKeepsUser(hold, version)) return false;
      const count = await countDeletion(deps.state, settings, deps.now());
      // The pool's size only matters once the minimum is passed.
      const threshold =
        count <= settings.minimum ? settings.minimum : thresholdOf(settings, await poolSize());
      if (count <= threshold) {
        // A hold made for an earlier tombstone of this user no longer applies to anything.
        if (hold) await dropHold(deps.state, username);
        return true;
      }
      await writeHold(deps.state, {
        username,
        state: 'held',
        ...(version === undefined ? {} : { version }),
        heldAt: deps.now(),
      });
      deps.onHeld?.({ username, version, count, threshold });
      return false;
    },
  };
}

/** Counts one deletion in the window; resolves to the deletions of the window so far, this one included. */
async function countDeletion(state: StateTable, settings: BreakerSettings, now: number): Promise<number> {
  const bucketMs = (settings.windowMinutes * 60_000) / BUCKETS_PER_WINDOW;
  const current = Math.floor(now / bucketMs) * bucketMs;
  const { Attributes } = await state.table.send(
    new UpdateCommand({
      TableName: state.tableName,
      Key: { pk: WINDOW_PK, sk: bucketKey(current) },
      UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
      ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':expiresAt': Math.ceil((current + (BUCKETS_PER_WINDOW + 2) * bucketMs) / 1000),
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const { Items } = await state.table.send(
    new QueryCommand({
      TableName: state.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': WINDOW_PK,
        ':from': bucketKey(current - BUCKETS_PER_WINDOW * bucketMs),
        ':to': bucketKey(current - bucketMs),
      },
      ConsistentRead: true,
    }),
  );
  const earlier = (Items ?? []).reduce((sum, item) => sum + (Number(item.count) || 0), 0);
  return Number(Attributes?.count) + earlier;
}

/** Buckets sort by time as strings: their start, in ISO 8601. */
const bucketKey = (ms: number) => new Date(ms).toISOString();

/**
 * Forgets the deletions counted so far, so the next ones are judged afresh: once an operator has dealt with every
 * held deletion (`cognito-dr deletes`), the burst that tripped the breaker must not hold the next ordinary one.
 */
export async function rearmBreaker(state: StateTable): Promise<void> {
  for await (const page of paginateQuery(
    { client: state.table },
    {
      TableName: state.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': WINDOW_PK },
      ConsistentRead: true,
    },
  )) {
    for (const item of page.Items ?? []) {
      await state.table.send(
        new DeleteCommand({ TableName: state.tableName, Key: { pk: WINDOW_PK, sk: item.sk } }),
      );
    }
  }
}

/** What the breaker asks of a pool: its size (DescribeUserPool). */
interface SizedPool {
  cognito: Pick<CognitoIdentityProviderClient, 'send'>;
  userPoolId: string;
}

/** The pool's EstimatedNumberOfUsers, read at most every few minutes; concurrent callers share one read. */
function cachedPoolSize(pool: SizedPool, now: () => number): () => Promise<number> {
  let known: { size: Promise<number>; at: number } | undefined;
  return () => {
    if (known && now() - known.at < POOL_SIZE_MAX_AGE_MS) return known.size;
    const entry = {
      at: now(),
      size: pool.cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId })).then(
        ({ UserPool }) => UserPool?.EstimatedNumberOfUsers ?? 0,
        () => {
          // Unknown size: the minimum alone decides (holding more, never less); asked again next time.
          if (known === entry) known = undefined;
          return 0;
        },
      ),
    };
    known = entry;
    return entry.size;
  };
}
