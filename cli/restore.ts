// `cognito-dr restore`: re-creates users deleted from the active pool from their tombstones (the last snapshot, kept
// 35 days): attributes, groups and enabled state, under a new sub with the old one as custom:source_sub, then captures
// each so its record is live again and replicates to the standby pool. Idempotent: a restored user's record is live,
// so a second run finds nothing to do, and a run stopped between creating and capturing a user finishes that user.

import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { convergeUser, createLimiter, locateTargetUser, type TargetPool } from '@cognito-dr/apply';
import { captureUser } from '@cognito-dr/capture';
import type { RegionHandle } from '@cognito-dr/failover';
import { budgetedCognito } from '@cognito-dr/reconcile';
import {
  errorName,
  getRecord,
  isGroupItem,
  linkedSub,
  notePoolSub,
  type RegionRoles,
  readRoles,
  recordFromItem,
  type UserRecord,
} from '@cognito-dr/shared';
import { budgetFor, type CommandContext, EXIT } from './commands';
import { type Regions, resolveRegions } from './regions';
import type { SwitchContext } from './switch-commands';
import { TargetError } from './targets';

export interface RestoreDeps {
  /** The active region's pool, its client paced per quota category. */
  pool: TargetPool;
  /** The active region's replica of the users table. */
  users: { table: DynamoDBDocumentClient; tableName: string };
  /** The active region: the origin of the records the restore captures. */
  region: string;
  now: () => number;
  /** Remembers a restored user's own sub (pool-subs.ts): a later deletion CloudTrail names by it can be placed. */
  notePoolSub?: (sub: string, username: string) => Promise<void>;
}

export type RestoreSkip = 'exists-again' | 'tombstone-gone' | 'not-a-tombstone';

export interface RestoreReport {
  restored: string[];
  /** Left alone: another user has the username now; TTL removed the tombstone; the record is not a tombstone. */
  skipped: Record<RestoreSkip, string[]>;
  /** Users that could not be restored, by error name: run again. */
  failed: Record<string, string[]>;
  /** False when stopped (Ctrl-C) before every user was looked at. */
  complete: boolean;
}

export interface RestoreOptions {
  /** The users to restore, or every user whose tombstone was written at or after `deletedSince` (epoch ms). */
  users?: string[];
  deletedSince?: number;
  dryRun?: boolean;
  concurrency?: number;
  shouldStop?: () => boolean;
}

/** A capture that left the record a tombstone: the restored user is in the pool but the table still buries them. */
class StillATombstoneError extends Error {
  override readonly name = 'StillATombstoneError';
}

export async function restoreUsers(deps: RestoreDeps, options: RestoreOptions): Promise<RestoreReport> {
  const report: RestoreReport = {
    restored: [],
    skipped: { 'exists-again': [], 'tombstone-gone': [], 'not-a-tombstone': [] },
    failed: {},
    complete: true,
  };
  const candidates: (string | UserRecord)[] =
    options.users ?? (await tombstonesSince(deps.users, options.deletedSince ?? 0));
  const limit = createLimiter(options.concurrency ?? 8);
  await Promise.all(
    candidates.map((candidate) =>
      limit(async () => {
        const username = typeof candidate === 'string' ? candidate : candidate.username;
        if (options.shouldStop?.()) {
          report.complete = false;
          return;
        }
        try {
          const outcome = await restoreOne(deps, candidate, options.dryRun === true);
          if (outcome === 'restored') report.restored.push(username);
          else report.skipped[outcome].push(username);
        } catch (error) {
          const name = errorName(error) ?? 'Error';
          report.failed[name] = [...(report.failed[name] ?? []), username];
        }
      }),
    ),
  );
  return report;
}

async function restoreOne(
  deps: RestoreDeps,
  candidate: string | UserRecord,
  dryRun: boolean,
): Promise<'restored' | RestoreSkip> {
  const username = typeof candidate === 'string' ? candidate : candidate.username;
  const tombstone =
    typeof candidate === 'string'
      ? await getRecord(deps.users.table, deps.users.tableName, username)
      : candidate;
  if (!tombstone) return 'tombstone-gone';
  if (tombstone.deleted !== true) return 'not-a-tombstone';
  const { deleted: _deleted, deletedAt: _deletedAt, expiresAt: _expiresAt, ...live } = tombstone;
  return bringBack(deps, live, { dryRun });
}

/**
 * Makes the active pool's user what `record` says, then captures them so their record is live again and replicates:
 * in place when the pool still has them (same home sub), else created anew. Someone else holding the name in the
 * pool now (a new sign-up) keeps it: 'exists-again', nothing changed.
 */
export async function bringBack(
  deps: RestoreDeps,
  record: UserRecord,
  { dryRun }: { dryRun: boolean },
): Promise<'restored' | 'exists-again'> {
  // By username, or where the pool generates usernames, by sign-in identifier and link (user-naming.ts).
  const current = (await locateTargetUser(deps.pool, record))?.state ?? null;
  // A pool user linked to the record's sub is this user (perhaps created by an earlier run that stopped before its
  // capture): finished below.
  if (current && linkedSub(current.attributes) !== record.sub) return 'exists-again';
  if (dryRun) return 'restored';
  // The standby pool's own convergence, pointed at the active pool: created with SUPPRESS (no invitation), a
  // random password for a confirmed user (CONFIRMED, so "forgot password" works; nobody knows the password),
  // custom:source_sub = the home sub, then disabled and regrouped as the snapshot says. No breaker: it converges a
  // live record, so it can delete nobody but a replacement's first half, which no breaker counts.
  const { outcome: converged, poolUsername } = await convergeUser(
    {
      cognito: deps.pool.cognito,
      userPoolId: deps.pool.userPoolId,
      createMissing: true,
      now: deps.now,
      breaker: null,
    },
    record,
    { likelyAbsent: current === null },
  );
  const captured = await captureUser(
    {
      cognito: deps.pool.cognito,
      table: deps.users.table,
      userPoolId: deps.pool.userPoolId,
      tableName: deps.users.tableName,
      origin: deps.region,
      now: deps.now,
      notePoolSub: deps.notePoolSub,
    },
    poolUsername ?? record.username,
  );
  if (!captured.record || captured.record.deleted === true) {
    throw new StillATombstoneError(
      `restored user's record is still a tombstone after capture (${converged})`,
    );
  }
  return 'restored';
}

/** Tombstones written at or after `since`, from a consistent filtered scan of the table (never a pool listing). */
async function tombstonesSince(
  users: { table: DynamoDBDocumentClient; tableName: string },
  since: number,
): Promise<UserRecord[]> {
  const found: UserRecord[] = [];
  for await (const page of paginateScan(
    { client: users.table },
    {
      TableName: users.tableName,
      FilterExpression: '#deleted = :deleted AND #deletedAt >= :since',
      ExpressionAttributeNames: { '#deleted': 'deleted', '#deletedAt': 'deletedAt' },
      ExpressionAttributeValues: { ':deleted': true, ':since': since },
      ConsistentRead: true,
    },
  )) {
    for (const item of page.Items ?? []) {
      // A deleted group's tombstone: groups are not restored, their records follow the pool (reconcile).
      if (isGroupItem(item)) continue;
      const record = recordFromItem(item);
      if (record.deleted === true && (record.deletedAt ?? 0) >= since) found.push(record);
    }
  }
  return found;
}

/** The region whose pool users are restored into: the active one, read from whichever region's roles answer. */
export async function activeRegion(regions: Regions): Promise<{ handle: RegionHandle; roles: RegionRoles }> {
  let roles: RegionRoles;
  try {
    roles = await readRoles(regions.backup.control);
  } catch {
    roles = await readRoles(regions.primary.control);
  }
  if (roles.state !== 'steady') {
    throw new TargetError(
      `a ${roles.state} to ${roles.target} is under way: finish it (\`cognito-dr ${roles.state === 'failing-over' ? 'failover' : 'failback'}\`) before restoring`,
    );
  }
  return { handle: roles.active === regions.backup.region ? regions.backup : regions.primary, roles };
}

const RESTORED_USERS_NOTE =
  'restored users have a new password nobody knows: they set their own with "forgot password" (a code to their ' +
  'verified email or phone); apps map them by custom:source_sub, their old sub';

/** What a restore into the active region's pool works with, its Cognito calls paced and counted. */
export function restoreDeps(
  ctx: Pick<SwitchContext, 'options' | 'clock'>,
  handle: RegionHandle,
): { deps: RestoreDeps; calls: Record<string, number> } {
  const paced = budgetedCognito(handle.pool.cognito, budgetFor(ctx.options), ctx.clock);
  return {
    deps: {
      pool: { cognito: paced.client, userPoolId: handle.pool.userPoolId },
      users: handle.users,
      region: handle.region,
      now: () => ctx.clock.now(),
      notePoolSub: (sub, username) => notePoolSub(handle.state, sub, username),
    },
    calls: paced.calls,
  };
}

export async function runRestore(ctx: SwitchContext): Promise<number> {
  const { options } = ctx;
  const regions = await resolveRegions(options.target, ctx.stackOutputs);
  const { handle } = await activeRegion(regions);
  const { deps, calls } = restoreDeps(ctx, handle);
  const report = await restoreUsers(deps, {
    users: options.users,
    deletedSince: options.deletedSince,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    shouldStop: ctx.interrupted,
  });
  printReport(ctx, regions, handle, report, calls);
  if (!report.complete) {
    ctx.err(
      'stopped; run the same command again to restore the rest (restored users are not restored twice)',
    );
    return EXIT.incomplete;
  }
  return Object.keys(report.failed).length > 0 ? EXIT.drift : EXIT.ok;
}

function printReport(
  ctx: Pick<CommandContext, 'options' | 'out'>,
  regions: Regions,
  handle: RegionHandle,
  report: RestoreReport,
  calls: Record<string, number>,
): void {
  const { options } = ctx;
  const count = (lists: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(lists).map(([key, names]) => [key, names.length]));
  if (options.json) {
    ctx.out(
      JSON.stringify({
        command: 'restore',
        target: regions.label,
        region: handle.region,
        userPoolId: handle.pool.userPoolId,
        dryRun: options.dryRun,
        complete: report.complete,
        restored: report.restored.length,
        skipped: count(report.skipped),
        failed: count(report.failed),
        calls,
        note: RESTORED_USERS_NOTE,
        ...(options.verbose
          ? { users: { restored: report.restored, skipped: report.skipped, failed: report.failed } }
          : {}),
      }),
    );
    return;
  }
  ctx.out(
    `restore into ${handle.pool.userPoolId} (${handle.region}, active) from ${handle.users.tableName} (${regions.label})` +
      (options.dryRun ? ', dry run' : ''),
  );
  const failed = Object.entries(report.failed);
  ctx.out(
    `  ${options.dryRun ? 'would restore' : 'restored'} ${report.restored.length} · exists again ` +
      `${report.skipped['exists-again'].length} · tombstone gone ${report.skipped['tombstone-gone'].length} · ` +
      `not a tombstone ${report.skipped['not-a-tombstone'].length} · failed ` +
      `${failed.reduce((sum, [, names]) => sum + names.length, 0)}` +
      (failed.length > 0 ? ` (${failed.map(([name, names]) => `${name} ×${names.length}`).join(', ')})` : ''),
  );
  const made = Object.entries(calls).filter(([, n]) => n > 0);
  if (made.length > 0)
    ctx.out(`  Cognito calls: ${made.map(([category, n]) => `${category} ${n}`).join(' · ')}`);
  if (options.dryRun) ctx.out('  dry run: nothing was changed');
  else if (report.restored.length > 0) ctx.out(`  ${RESTORED_USERS_NOTE}`);
  if (options.verbose) {
    for (const name of [...report.restored].sort()) ctx.out(`  restored        ${name}`);
    for (const [reason, names] of Object.entries(report.skipped))
      for (const name of [...names].sort()) ctx.out(`  ${reason.padEnd(15)} ${name}`);
    for (const [error, names] of failed)
      for (const name of names.sort()) ctx.out(`  failed          ${name} (${error})`);
  }
}
