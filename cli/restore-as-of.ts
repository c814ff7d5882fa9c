// `cognito-dr restore --as-of TIME`: puts users back as they were at TIME (attributes, groups, enabled state), the undo
// for a bad bulk update that a replica and tombstones cannot give. The users table's point-in-time recovery restores
// the table as of TIME into a new table; each user's record there is compared with today's, the differences are
// shown, and each user who changed is converged into the active pool through the same code as restore (deleted users
// come back under a new sub, linked to their old one), then captured, so records and the standby pool follow. Users
// created after TIME, and names another person holds now, are reported and left alone. The restored table is
// deleted at the end.
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  RestoreTableToPointInTimeCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLimiter } from '@cognito-dr/apply';
import { readAllRecords } from '@cognito-dr/reconcile';
import { errorName, getRecords, type UserRecord } from '@cognito-dr/shared';
import { type CommandContext, EXIT } from './commands';
import { resolveRegions } from './regions';
import { activeRegion, bringBack, type RestoreDeps, restoreDeps } from './restore';
import type { SwitchContext } from './switch-commands';
import { TargetError } from './targets';

/** What a user's record at TIME says against today's, and what restore --as-of does about it. */
export type AsOfOutcome =
  /** The same attributes, groups and enabled state: nothing to do. */
  | 'unchanged'
  /** Changed since: put back in place. */
  | 'reverted'
  /** Deleted since: created again, linked to the old sub. */
  | 'restored'
  /** No record (or a tombstone) at TIME, a user now: left alone. */
  | 'created-since'
  /** Another person (another home sub) has the name now: left alone. */
  | 'replaced-since'
  /** No user by that name then or now. */
  | 'absent';

export interface AsOfChange {
  username: string;
  outcome: AsOfOutcome;
  /** Names of the attributes that differ (never their values: they are personal data). */
  attributes: string[];
  groups: { add: string[]; remove: string[] };
  enabled?: boolean;
}

export interface AsOfReport {
  time: number;
  changes: AsOfChange[];
  /** Users that could not be put back, by error name: run again. */
  failed: Record<string, string[]>;
  /** False when stopped (Ctrl-C) before every user was looked at. */
  complete: boolean;
}

/** A users table as it was at some time, to read records from; `drop` deletes it. */
export interface RestoredTable {
  table: DynamoDBDocumentClient;
  tableName: string;
  drop: () => Promise<void>;
}

/** The users table's point-in-time recovery in the active region. */
export interface PointInTimeRecovery {
  /** The restorable window (epoch ms). */
  window: () => Promise<{ earliest: number; latest: number }>;
  restore: (time: number) => Promise<RestoredTable>;
}

export class OutsideRecoveryWindowError extends Error {
  override readonly name = 'OutsideRecoveryWindowError';
}

const live = (record: UserRecord | undefined): record is UserRecord => !!record && record.deleted !== true;

const withoutTombstone = ({ deleted: _d, deletedAt: _a, expiresAt: _e, ...record }: UserRecord): UserRecord =>
  record;

/** One user's outcome and differences, from their record at TIME and today's. */
export function compareAsOf(
  username: string,
  then: UserRecord | undefined,
  now: UserRecord | undefined,
): AsOfChange {
  const none = { attributes: [], groups: { add: [], remove: [] } };
  if (!live(then)) return { username, outcome: live(now) ? 'created-since' : 'absent', ...none };
  if (!live(now)) {
    return { username, outcome: 'restored', ...none, attributes: Object.keys(then.attributes).sort() };
  }
  if (now.sub !== then.sub) return { username, outcome: 'replaced-since', ...none };
  const names = new Set([...Object.keys(then.attributes), ...Object.keys(now.attributes)]);
  const attributes = [...names].filter((name) => then.attributes[name] !== now.attributes[name]).sort();
  const groups = {
    add: then.groups.filter((group) => !now.groups.includes(group)),
    remove: now.groups.filter((group) => !then.groups.includes(group)),
  };
  const enabled = then.enabled === now.enabled ? undefined : then.enabled;
  const changed =
    attributes.length > 0 || groups.add.length > 0 || groups.remove.length > 0 || enabled !== undefined;
  return {
    username,
    outcome: changed ? 'reverted' : 'unchanged',
    attributes,
    groups,
    ...(enabled === undefined ? {} : { enabled }),
  };
}

export interface AsOfOptions {
  time: number;
  /** The users to put back, or every user of the table then and now. */
  users?: string[];
  dryRun?: boolean;
  concurrency?: number;
  shouldStop?: () => boolean;
  progress?: (line: string) => void;
}

export async function restoreAsOf(
  deps: RestoreDeps & { recovery: PointInTimeRecovery },
  options: AsOfOptions,
): Promise<AsOfReport> {
  const { earliest, latest } = await deps.recovery.window();
  if (!(options.time >= earliest && options.time <= latest)) {
    throw new OutsideRecoveryWindowError(
      `${new Date(options.time).toISOString()} is outside the point-in-time recovery window of ` +
        `${deps.users.tableName} in ${deps.region}: ${new Date(earliest).toISOString()} to ` +
        `${new Date(latest).toISOString()}`,
    );
  }
  options.progress?.(`restoring ${deps.users.tableName} as of ${new Date(options.time).toISOString()}`);
  const restored = await deps.recovery.restore(options.time);
  try {
    const then = (await readAllRecords(restored.table, restored.tableName)).records;
    const names = options.users ?? [...then.keys()];
    const now: Map<string, UserRecord | null> = options.users
      ? await getRecords(deps.users.table, deps.users.tableName, names)
      : (await readAllRecords(deps.users.table, deps.users.tableName)).records;
    const everyone = options.users ? names : [...new Set([...names, ...now.keys()])].sort();
    const report: AsOfReport = {
      time: options.time,
      changes: everyone.map((username) =>
        compareAsOf(username, then.get(username), now.get(username) ?? undefined),
      ),
      failed: {},
      complete: true,
    };
    if (options.dryRun) return report;
    const limit = createLimiter(options.concurrency ?? 8);
    await Promise.all(
      report.changes
        .filter((change) => change.outcome === 'reverted' || change.outcome === 'restored')
        .map((change) =>
          limit(async () => {
            if (options.shouldStop?.()) {
              report.complete = false;
              return;
            }
            try {
              const record = withoutTombstone(then.get(change.username) as UserRecord);
              if ((await bringBack(deps, record, { dryRun: false })) === 'exists-again') {
                change.outcome = 'replaced-since';
              }
            } catch (error) {
              const name = errorName(error) ?? 'Error';
              report.failed[name] = [...(report.failed[name] ?? []), change.username];
            }
          }),
        ),
    );
    return report;
  } finally {
    await restored.drop();
  }
}

const POLL_MS = 2000;

/**
 * DynamoDB's point-in-time recovery of `tableName`, through `recovery` (the region's DynamoDB endpoint in AWS; the
 * local stack's stand-in, which answers these calls, locally); the restored table is read and deleted through
 * `table`. The restored table's name says what it is and when it was made, for anyone who finds one a killed run
 * left behind.
 */
export function pointInTimeRecovery(
  recovery: DynamoDBDocumentClient,
  table: DynamoDBDocumentClient,
  tableName: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): PointInTimeRecovery {
  return {
    window: async () => {
      const { ContinuousBackupsDescription: description } = await recovery.send(
        new DescribeContinuousBackupsCommand({ TableName: tableName }),
      );
      const pitr = description?.PointInTimeRecoveryDescription;
      if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED' || !pitr.EarliestRestorableDateTime) {
        throw new OutsideRecoveryWindowError(`${tableName} has no point-in-time recovery enabled`);
      }
      return {
        earliest: pitr.EarliestRestorableDateTime.getTime(),
        latest: (pitr.LatestRestorableDateTime ?? new Date()).getTime(),
      };
    },
    restore: async (time) => {
      const target = `${tableName}-as-of-${new Date(time).toISOString().replace(/[-:.]/g, '').toLowerCase()}-${Date.now().toString(36)}`;
      await recovery.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: tableName,
          TargetTableName: target,
          RestoreDateTime: new Date(time),
        }),
      );
      // A restore takes minutes in AWS: the table is readable once ACTIVE.
      for (;;) {
        const { Table } = await table.send(new DescribeTableCommand({ TableName: target }));
        if (Table?.TableStatus === 'ACTIVE') break;
        await sleep(POLL_MS);
      }
      return {
        table,
        tableName: target,
        drop: async () => {
          await table.send(new DeleteTableCommand({ TableName: target }));
        },
      };
    },
  };
}

export async function runRestoreAsOf(ctx: SwitchContext): Promise<number> {
  const { options } = ctx;
  const regions = await resolveRegions(options.target, ctx.stackOutputs);
  const { handle } = await activeRegion(regions);
  const { deps, calls } = restoreDeps(ctx, handle);
  let report: AsOfReport;
  try {
    report = await restoreAsOf(
      {
        ...deps,
        recovery: pointInTimeRecovery(
          regions.tableRecovery(handle.region),
          handle.users.table,
          handle.users.tableName,
        ),
      },
      {
        time: options.asOf as number,
        users: options.users,
        dryRun: options.dryRun,
        concurrency: options.concurrency,
        shouldStop: ctx.interrupted,
        progress: (line) => ctx.err(line),
      },
    );
  } catch (error) {
    // Nothing was changed: a time the table cannot go back to is a bad target, like a switch under way.
    if (error instanceof OutsideRecoveryWindowError) throw new TargetError(error.message);
    throw error;
  }
  printAsOf(ctx, handle.pool.userPoolId, handle.region, report, calls);
  if (!report.complete) {
    ctx.err('stopped; run the same command again to put back the rest (users already back are unchanged)');
    return EXIT.incomplete;
  }
  return Object.keys(report.failed).length > 0 ? EXIT.drift : EXIT.ok;
}

const ACTS: Record<AsOfOutcome, boolean> = {
  reverted: true,
  restored: true,
  unchanged: false,
  'created-since': false,
  'replaced-since': false,
  absent: false,
};

/** A user's differences in a line: attribute names, groups, enabled state; never a value. */
const describe = (change: AsOfChange) =>
  [
    change.attributes.length > 0 ? `attributes ${change.attributes.join(', ')}` : '',
    change.groups.add.length > 0 ? `back into ${change.groups.add.join(', ')}` : '',
    change.groups.remove.length > 0 ? `out of ${change.groups.remove.join(', ')}` : '',
    change.enabled === undefined ? '' : change.enabled ? 'enabled again' : 'disabled again',
  ]
    .filter(Boolean)
    .join(' · ');

function printAsOf(
  ctx: Pick<CommandContext, 'options' | 'out'>,
  userPoolId: string,
  region: string,
  report: AsOfReport,
  calls: Record<string, number>,
): void {
  const { options } = ctx;
  const counts = Object.fromEntries(
    (Object.keys(ACTS) as AsOfOutcome[]).map((outcome) => [
      outcome,
      report.changes.filter((change) => change.outcome === outcome).length,
    ]),
  );
  const failed = Object.entries(report.failed);
  if (options.json) {
    ctx.out(
      JSON.stringify({
        command: 'restore',
        asOf: new Date(report.time).toISOString(),
        region,
        userPoolId,
        dryRun: options.dryRun,
        complete: report.complete,
        ...counts,
        failed: Object.fromEntries(failed.map(([name, names]) => [name, names.length])),
        calls,
        changes: report.changes.filter((change) => change.outcome !== 'unchanged'),
      }),
    );
    return;
  }
  ctx.out(
    `restore into ${userPoolId} (${region}, active) as of ${new Date(report.time).toISOString()}` +
      (options.dryRun ? ', dry run' : ''),
  );
  ctx.out(
    `  ${options.dryRun ? 'would put back' : 'put back'} ${counts.reverted} · ${options.dryRun ? 'would restore' : 'restored'} ` +
      `${counts.restored} · unchanged ${counts.unchanged} · created since ${counts['created-since']} (left alone) · ` +
      `replaced since ${counts['replaced-since']} (left alone) · failed ` +
      `${failed.reduce((sum, [, names]) => sum + names.length, 0)}`,
  );
  for (const change of report.changes) {
    if (change.outcome === 'unchanged') continue;
    const detail = ACTS[change.outcome] ? describe(change) : '';
    ctx.out(`  ${change.outcome.padEnd(14)} ${change.username}${detail ? `: ${detail}` : ''}`);
  }
  const made = Object.entries(calls).filter(([, n]) => n > 0);
  if (made.length > 0)
    ctx.out(`  Cognito calls: ${made.map(([category, n]) => `${category} ${n}`).join(' · ')}`);
  if (options.dryRun) ctx.out('  dry run: nothing was changed');
  for (const [error, names] of failed)
    for (const name of names.sort()) ctx.out(`  failed          ${name} (${error})`);
}
