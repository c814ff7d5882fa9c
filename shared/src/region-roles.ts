// Which region is active: the one control item every function consults before it captures, applies or opens its
// pool to the public. It lives in the control global table, so each region reads its own replica and a region that
// is down cannot stop the other from switching; when it answers again, the newer item replicates to it.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EnvReader } from './env';
import { isErrorNamed } from './errors';

/** Partition key value of the roles item in the control table. */
export const ROLES_KEY = 'region-roles';

/** The control table's partition key attribute. */
export const CONTROL_TABLE_KEY = 'key';

export type RolesState =
  /** One region is active, the other standby; records flow from the active to the standby pool. */
  | 'steady'
  /** `failover` has paused applying into the target and is catching it up before it becomes active. */
  | 'failing-over'
  /** `failback` is bringing the target up to date; the active region still serves users. */
  | 'failing-back';

/**
 * How a pool is set up for its role. 'standby': no public sign-up, no messages, nothing auto-verified, so records
 * can be applied into it without any user hearing of it. 'active': open to the public. 'unknown': a switch could
 * not reach the pool (its region was down) and nothing may be applied into it until a command sets it.
 */
export type Posture = 'active' | 'standby' | 'unknown';

export interface RegionRoles {
  /** The two regions, primary (where the stacks were installed first) then backup. */
  regions: [primary: string, backup: string];
  /** The region whose pool serves users and whose capture writes records. */
  active: string;
  state: RolesState;
  /** The region becoming active (failing-over) or being brought back (failing-back). */
  target?: string;
  /** Each region's pool posture as the last switch left it. */
  posture: Record<string, Posture>;
  /** Completed switches so far. */
  epoch: number;
  /** Every write increments it; writes are conditional on it, so two operators cannot interleave a switch. */
  revision: number;
  /** When the current transition started (epoch ms). */
  startedAt?: number;
  /** When the active region last changed (epoch ms); records written since are what a failback carries back. */
  switchedAt?: number;
  /**
   * Each region's pool id, recorded by the switches (they know both): bulk writers check a table's records against
   * them (table-owner.ts). Absent on items written before.
   */
  pools?: Record<string, string>;
  /**
   * For a pool a switch left in posture 'unknown': the time from which the active region's records have not been
   * applied into it (its consumer skips them). Setting it on standby catches it up from there, then drops the entry.
   */
  behindSince?: Record<string, number>;
  updatedAt: number;
}

/** The roles before anyone switched anything: the primary region is active. No item is needed for that. */
export function initialRoles(primaryRegion: string, backupRegion: string): RegionRoles {
  return {
    regions: [primaryRegion, backupRegion],
    active: primaryRegion,
    state: 'steady',
    posture: { [primaryRegion]: 'active', [backupRegion]: 'standby' },
    epoch: 0,
    revision: 0,
    updatedAt: 0,
  };
}

/** The region that is not `region`. */
export function otherRegion(roles: Pick<RegionRoles, 'regions'>, region: string): string {
  const [primary, backup] = roles.regions;
  return region === primary ? backup : primary;
}

/** Whether the pool of `region` should accept the public (sign-up, messages) and capture its changes. */
export function isActiveRegion(roles: RegionRoles, region: string): boolean {
  return roles.active === region;
}

export type ApplyVerdict =
  | { apply: true }
  | { apply: false; reason: 'own-origin' | 'not-from-active' | 'this-region-active' | 'paused' | 'posture' };

/**
 * Whether the consumer in `region` applies a record written by `origin` into its own pool: only records of the
 * active region, only into a standby pool whose posture was set, and not while a failover is catching it up (the
 * failover applies those itself, from the table).
 */
export function applyVerdict(roles: RegionRoles, region: string, origin: string): ApplyVerdict {
  if (origin === region) return { apply: false, reason: 'own-origin' };
  if (roles.active === region) return { apply: false, reason: 'this-region-active' };
  if (origin !== roles.active) return { apply: false, reason: 'not-from-active' };
  if (roles.state === 'failing-over' && roles.target === region) return { apply: false, reason: 'paused' };
  if (roles.posture[region] !== 'standby') return { apply: false, reason: 'posture' };
  return { apply: true };
}

/** A control item that does not parse as roles: refused rather than guessed at. */
export class RolesFormatError extends Error {
  override readonly name = 'RolesFormatError';
}

/** The roles written by another `regions` pair, or a write that lost a race. */
export class RolesConflictError extends Error {
  override readonly name = 'RolesConflictError';
}

const STATES: readonly RolesState[] = ['steady', 'failing-over', 'failing-back'];
const POSTURES: readonly Posture[] = ['active', 'standby', 'unknown'];

export function rolesFromItem(item: Record<string, unknown>): RegionRoles {
  const fail = (rule: string): never => {
    throw new RolesFormatError(`region roles: ${rule}`);
  };
  const regions = item.regions;
  if (!Array.isArray(regions) || regions.length !== 2 || !regions.every((r) => typeof r === 'string' && r)) {
    return fail('regions must be two region names');
  }
  const pair = regions as [string, string];
  if (typeof item.active !== 'string' || !pair.includes(item.active))
    return fail('active must be one of regions');
  if (!STATES.includes(item.state as RolesState))
    return fail('state must be steady, failing-over or failing-back');
  if (item.target !== undefined && (typeof item.target !== 'string' || !pair.includes(item.target))) {
    return fail('target must be one of regions');
  }
  const posture = item.posture as Record<string, unknown> | undefined;
  if (typeof posture !== 'object' || posture === null) return fail('posture missing');
  for (const region of pair) {
    if (!POSTURES.includes(posture[region] as Posture)) return fail(`posture of ${region} must be a posture`);
  }
  for (const field of ['epoch', 'revision', 'updatedAt'] as const) {
    if (!Number.isSafeInteger(item[field]) || (item[field] as number) < 0)
      return fail(`${field} must be a count`);
  }
  const roles: RegionRoles = {
    regions: pair,
    active: item.active,
    state: item.state as RolesState,
    posture: Object.fromEntries(pair.map((region) => [region, posture[region] as Posture])),
    epoch: item.epoch as number,
    revision: item.revision as number,
    updatedAt: item.updatedAt as number,
  };
  if (typeof item.target === 'string') roles.target = item.target;
  if (typeof item.startedAt === 'number') roles.startedAt = item.startedAt;
  if (typeof item.switchedAt === 'number') roles.switchedAt = item.switchedAt;
  if (item.pools !== undefined) {
    const pools = item.pools as Record<string, unknown> | null;
    if (
      typeof pools !== 'object' ||
      pools === null ||
      !pair.every((r) => typeof pools[r] === 'string' && pools[r])
    ) {
      return fail('pools must name a pool id for each region');
    }
    roles.pools = Object.fromEntries(pair.map((region) => [region, pools[region] as string]));
  }
  if (item.behindSince !== undefined) {
    const behind = item.behindSince as Record<string, unknown> | null;
    if (typeof behind !== 'object' || behind === null) return fail('behindSince must map regions to times');
    const entries = Object.entries(behind);
    if (
      !entries.every(
        ([region, at]) => pair.includes(region) && Number.isSafeInteger(at) && (at as number) >= 0,
      )
    ) {
      return fail('behindSince must map regions to times');
    }
    roles.behindSince = Object.fromEntries(entries) as Record<string, number>;
  }
  return roles;
}

export interface RolesTable {
  table: DynamoDBDocumentClient;
  tableName: string;
  /** The configured pair: the roles default to it, and an item naming another pair is refused. */
  primaryRegion: string;
  backupRegion: string;
}

/** The current roles, read consistently from this region's replica of the control table. */
export async function readRoles(where: RolesTable): Promise<RegionRoles> {
  const { Item } = await where.table.send(
    new GetCommand({
      TableName: where.tableName,
      Key: { [CONTROL_TABLE_KEY]: ROLES_KEY },
      ConsistentRead: true,
    }),
  );
  if (!Item) return initialRoles(where.primaryRegion, where.backupRegion);
  const roles = rolesFromItem(Item);
  if (roles.regions[0] !== where.primaryRegion || roles.regions[1] !== where.backupRegion) {
    throw new RolesConflictError(
      `region roles name ${roles.regions.join(' / ')}, this deployment is ${where.primaryRegion} / ${where.backupRegion}`,
    );
  }
  return roles;
}

/**
 * Writes `next` as revision `current.revision + 1`, only if the item is still at `current.revision` (or absent,
 * for revision 0). Throws RolesConflictError when someone else wrote in between: re-read and decide again.
 */
export async function writeRoles(
  where: RolesTable,
  current: RegionRoles,
  next: Omit<RegionRoles, 'revision' | 'updatedAt'>,
  now: number,
): Promise<RegionRoles> {
  // updatedAt orders concurrent writes across regions (the global table's last writer wins); never go back.
  const written: RegionRoles = {
    ...next,
    revision: current.revision + 1,
    updatedAt: Math.max(now, current.updatedAt + 1),
  };
  try {
    await where.table.send(
      new PutCommand({
        TableName: where.tableName,
        Item: {
          [CONTROL_TABLE_KEY]: ROLES_KEY,
          kind: 'cognito-dr/region-roles',
          ...withoutUndefined(written),
        },
        ConditionExpression:
          current.revision === 0
            ? 'attribute_not_exists(#key) OR #revision = :zero'
            : '#revision = :revision',
        ExpressionAttributeNames: {
          '#revision': 'revision',
          ...(current.revision === 0 ? { '#key': CONTROL_TABLE_KEY } : {}),
        },
        ExpressionAttributeValues:
          current.revision === 0 ? { ':zero': 0 } : { ':revision': current.revision },
      }),
    );
  } catch (error) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) {
      throw new RolesConflictError(
        'region roles changed while this change was being made; run the command again',
      );
    }
    throw error;
  }
  return written;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export interface RolesReaderOptions extends RolesTable {
  /** A read is reused this long: every trigger and batch asks, the answer changes a few times a year. */
  cacheMs?: number;
  /** When a read fails, the last good answer is used for this long before the failure is passed on. */
  staleMs?: number;
  now?: () => number;
}

/** A cached roles reader, and the same read bypassing the cache for a decision a stale answer must not make. */
export type RolesReader = (() => Promise<RegionRoles>) & { fresh: () => Promise<RegionRoles> };

/** Cached roles for functions: one read per cacheMs per container, and a short tolerance of read failures. */
export function rolesReader(options: RolesReaderOptions): RolesReader {
  const cacheMs = options.cacheMs ?? 2_000;
  const staleMs = options.staleMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: { roles: RegionRoles; at: number } | undefined;
  let pending: Promise<RegionRoles> | undefined;
  const cachedRead = async () => {
    const at = now();
    if (cached && at - cached.at < cacheMs) return cached.roles;
    pending ??= readRoles(options).finally(() => {
      pending = undefined;
    });
    try {
      const roles = await pending;
      cached = { roles, at: now() };
      return roles;
    } catch (error) {
      if (cached && at - cached.at < staleMs) return cached.roles;
      throw error;
    }
  };
  // No stale tolerance either: a failed read fails the decision, which the caller retries.
  const fresh = async () => {
    const roles = await readRoles(options);
    cached = { roles, at: now() };
    return roles;
  };
  return Object.assign(cachedRead, { fresh });
}

/**
 * The roles reader of a function, configured from its environment: CONTROL_TABLE_NAME, PRIMARY_REGION and
 * BACKUP_REGION (serverless.yml sets them for every function), reading this region's replica through `table`.
 */
export function rolesReaderFromEnv(env: EnvReader, table: DynamoDBDocumentClient): RolesReader {
  return rolesReader({
    table,
    tableName: env.required('CONTROL_TABLE_NAME'),
    primaryRegion: env.required('PRIMARY_REGION'),
    backupRegion: env.required('BACKUP_REGION'),
  });
}

/** Whether this function's region (AWS_REGION) is the active one, for the triggers that only act there. */
export function thisRegionIsActive(env: EnvReader, table: DynamoDBDocumentClient): () => Promise<boolean> {
  const region = env.required('AWS_REGION');
  const roles = rolesReaderFromEnv(env, table);
  return async () => isActiveRegion(await roles(), region);
}
