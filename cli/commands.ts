// What each cognito-dr command does once its target is resolved: read, compare, repair, and report without values.
import { DescribeUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { replicatorClient } from '@cognito-dr/apply';
import { checkPosture, type PostureCheck, readPoolPosture } from '@cognito-dr/failover';
import { PoolNotFoundError, planUserShape } from '@cognito-dr/mirror';
import {
  backupDrift,
  budgetedCognito,
  budgetOf,
  type CheckpointStore,
  type Counts,
  driftCount,
  memoryCheckpointStore,
  type ReconcileDeps,
  type RunResult,
  readAllRecords,
  readBackupInventory,
  readPrimaryInventory,
  runReconcile,
  runRepair,
  tableDrift,
  type UserOutcome,
  type WalkOptions,
} from '@cognito-dr/reconcile';
import {
  assertOwnTable,
  type Clock,
  deploymentPools,
  initialRoles,
  isErrorNamed,
  type RegionRoles,
  readRoles,
  type ServerTime,
  totpReenrolment,
  type UserRecord,
} from '@cognito-dr/shared';
import type { CliOptions } from './args';
import { cliBreaker } from './breaker';
import { fileCheckpointStore } from './checkpoint-file';
import { progressLine, usersPerSecond } from './progress';
import { type PoolTarget, type TableTarget, type Target, TargetError } from './targets';

/**
 * A run that stops early on Ctrl-C ends as any run that did not complete (3): it saved what it had done and says how
 * to continue. 130 (killed by SIGINT, in shell terms) is only for a second Ctrl-C, which quits without waiting.
 */
export const EXIT = { ok: 0, drift: 1, usage: 2, incomplete: 3, quitAtOnce: 130 } as const;

export interface CommandContext {
  options: CliOptions;
  target: Target;
  /** Stamps records; checked against AWS's before anything is written. */
  clock: Clock;
  /** What the answers of the target's clients say the time is: writing commands refuse a clock more than 1 s off. */
  serverTime: ServerTime;
  /** A line of the result (stdout). */
  out: (line: string) => void;
  /** A line of diagnostics (stderr). */
  err: (line: string) => void;
  /** Replaces the progress line on a terminal; absent when stderr is not one. */
  progress?: (line: string) => void;
  /** True once the user asked to stop (Ctrl-C). */
  interrupted: () => boolean;
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`internal: target has no ${what}`);
  return value;
};

const countsLine = (counts: Counts, mode: string) =>
  `checked ${counts.checked} · created ${counts.created} · updated ${counts.updated} · ` +
  (mode === 'repair' ? `deleted ${counts.deleted}` : `tombstoned ${counts.tombstoned}`) +
  ` · unchanged ${counts.unchanged} · failed ${counts.failed}`;

/** The reconcile engine's dependencies for a resolved target: the primary pool and the table it writes. */
export const engineDeps = (
  target: Pick<Target, 'pools' | 'primaryRegion'>,
  primary: PoolTarget,
  table: TableTarget,
  clock: Clock,
  checkpoints: ReconcileDeps['checkpoints'],
): ReconcileDeps => ({
  cognito: primary.cognito,
  table: table.table,
  userPoolId: primary.userPoolId,
  tableName: table.tableName,
  origin: primary.region,
  clock,
  checkpoints,
  pools: target.pools,
  roles: rolesOf(table, target),
});

/** The run's budget per quota category, from --quota-share, --rps and the two older single-category flags. */
export const budgetFor = (options: CliOptions) =>
  budgetOf(
    {
      ...options.rps,
      ...(options.userListRps === undefined ? {} : { UserList: options.userListRps }),
      ...(options.userReadRps === undefined ? {} : { UserRead: options.userReadRps }),
    },
    options.quotaShare,
  );

/** backfill, reconcile (primary pool -> table) and repair (table -> backup pool): the engine from a laptop or CI. */
export async function runEngineCommand(ctx: CommandContext): Promise<number> {
  const { options, target } = ctx;
  const mode =
    options.command === 'backfill' ? 'backfill' : options.command === 'repair' ? 'repair' : 'reconcile';
  const checkpoints: CheckpointStore = options.checkpoint
    ? fileCheckpointStore(options.checkpoint)
    : memoryCheckpointStore();
  const users: Partial<Record<UserOutcome, string[]>> = {};
  const pool = mode === 'repair' ? need(target.backup, 'backup pool') : need(target.primary, 'primary pool');
  const table = mode === 'repair' ? need(target.backupTable, 'table') : need(target.primaryTable, 'table');
  // Settled before any call: a repair without its breaker's state table must not start at all.
  const breaker =
    mode === 'repair' ? cliBreaker({ region: pool.region, state: stateTableOf(table), pool }, ctx) : null;
  const described = await describedPool(pool);
  if (mode === 'backfill' && described && target.backup) {
    // Whose table it is comes first: a laptop's pool pointed at another deployment's table is refused for that.
    await assertOwnTable(
      table.table,
      table.tableName,
      deploymentPools(target.pools, await rolesOf(table, target)()),
    );
    await assertBackupTakesUsers(described, target.backup);
  }
  const estimatedUsers = described?.EstimatedNumberOfUsers || undefined;
  // A dry run writes nothing, so its clock does not matter; otherwise the answer above (or one table read) decides.
  if (!options.dryRun) {
    await ctx.serverTime.assertTrusted(() =>
      table.table.send(new ScanCommand({ TableName: table.tableName, Limit: 1 })),
    );
  }
  const walkOptions: WalkOptions = {
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    shouldStop: ctx.interrupted,
    onProgress: ctx.progress && ((progress) => ctx.progress?.(progressLine(progress, estimatedUsers))),
    onUser: (username, outcome) => {
      if (!options.verbose || outcome === 'unchanged') return;
      const list = users[outcome] ?? [];
      list.push(username);
      users[outcome] = list;
    },
    onFailure: ({ user, phase, error }) => ctx.err(`user ${user} not converged (${phase} phase): ${error}`),
  };
  const saved = options.checkpoint ? await checkpoints.load() : undefined;
  if (saved) {
    const { checkpoint } = saved;
    ctx.err(
      `resuming ${checkpoint.mode} from ${options.checkpoint}: ${checkpoint.phase} phase, ${checkpoint.counts.checked} users checked so far`,
    );
  }
  const preloaded: CheckpointStore = { ...checkpoints, load: async () => saved };
  const budget = budgetFor(options);
  const result: RunResult =
    mode === 'repair'
      ? await runRepair(
          {
            cognito: pool.cognito,
            table: table.table,
            userPoolId: pool.userPoolId,
            tableName: table.tableName,
            region: pool.region,
            clock: ctx.clock,
            checkpoints: preloaded,
            roles: rolesOf(table, target),
            pools: target.pools,
            breaker,
            ...(pool.replicatorClientId
              ? { replicator: replicatorClient(pool.cognito, pool.userPoolId, pool.replicatorClientId) }
              : {}),
          },
          { ...walkOptions, budget },
        )
      : await runReconcile(engineDeps(target, pool, table, ctx.clock, preloaded), {
          ...walkOptions,
          mode,
          budget,
          writesPerSecond: options.rate,
        });

  const rate = usersPerSecond(result.counts.checked, result.workedMs);
  if (options.json) {
    ctx.out(
      JSON.stringify({
        command: mode,
        target: target.label,
        dryRun: result.dryRun,
        complete: result.complete,
        counts: result.counts,
        calls: result.calls,
        durationMs: result.durationMs,
        workedMs: result.workedMs,
        usersPerSecond: Number(rate.toFixed(2)),
        ...(options.verbose ? { users } : {}),
      }),
    );
  } else {
    ctx.out(
      mode === 'repair'
        ? `repair of ${pool.userPoolId} from ${table.tableName} in ${table.region} (${target.label})${result.dryRun ? ', dry run' : ''}`
        : `${mode} of ${pool.userPoolId} into ${table.tableName} (${target.label})${result.dryRun ? ', dry run' : ''}`,
    );
    ctx.out(`  ${countsLine(result.counts, mode)}`);
    ctx.out(`  ${(result.workedMs / 1000).toFixed(1)} s, ${rate.toFixed(1)} users/s`);
    const calls = Object.entries(result.calls).filter(([, count]) => count > 0);
    if (calls.length > 0)
      ctx.out(`  Cognito calls: ${calls.map(([category, count]) => `${category} ${count}`).join(' · ')}`);
    if (result.dryRun) ctx.out('  dry run: nothing was changed; the counts are what a run would do');
    for (const [outcome, names] of Object.entries(users)) {
      for (const name of (names ?? []).sort()) ctx.out(`  ${outcome.padEnd(10)} ${name}`);
    }
  }
  if (!result.complete) {
    ctx.err(
      options.checkpoint
        ? `stopped; run the same command again to continue from ${options.checkpoint}`
        : 'stopped; progress was not saved (use --checkpoint <file> to be able to continue)',
    );
    return EXIT.incomplete;
  }
  return result.counts.failed > 0 ? EXIT.drift : EXIT.ok;
}

/** status: counts in all three places, the drift between them and how fresh the newest record is. */
export async function runStatus(ctx: CommandContext): Promise<number> {
  const { target, options } = ctx;
  const primary = need(target.primary, 'primary pool');
  const backup = need(target.backup, 'backup pool');
  const table = need(target.primaryTable, 'table');
  const now = ctx.clock.now();
  const [primaryInventory, tableContents, backupUsers, roles] = await Promise.all([
    readPrimaryInventory(paced(primary, ctx.clock), primary.userPoolId, { origin: primary.region, now }),
    readAllRecords(table.table, table.tableName),
    readBackupInventory(paced(backup, ctx.clock), backup.userPoolId),
    table.controlTableName
      ? readRoles({
          table: table.table,
          tableName: table.controlTableName,
          primaryRegion: primary.region,
          backupRegion: backup.region,
        })
      : initialRoles(primary.region, backup.region),
  ]);
  const posture = Object.fromEntries(
    await Promise.all([primary, backup].map(async (pool) => [pool.region, await postureOf(pool, roles)])),
  ) as Record<string, PostureCheck | (Omit<PostureCheck, 'pool'> & { pool: 'unreadable' })>;
  const records = tableContents.records;
  const toTable = tableDrift(primaryInventory.users, records);
  const toBackup = backupDrift(backupUsers, records);
  const newest = newestRecord(records);
  const tombstones = [...records.values()].filter((record) => record.deleted === true).length;
  const totp = totpReenrolment(records.values());
  const report = {
    target: target.label,
    roles: {
      active: roles.active,
      state: roles.state,
      ...(roles.target ? { target: roles.target } : {}),
      epoch: roles.epoch,
      posture: roles.posture,
      switchedAt: roles.switchedAt ?? null,
    },
    posture,
    primary: { region: primary.region, userPoolId: primary.userPoolId, users: primaryInventory.users.size },
    table: {
      region: table.region,
      tableName: table.tableName,
      records: records.size - tombstones,
      tombstones,
      unreadable: tableContents.unreadable,
      newestRecordAgeMs: newest === undefined ? null : Math.max(0, ctx.clock.now() - newest),
    },
    backup: { region: backup.region, userPoolId: backup.userPoolId, users: backupUsers.size },
    // A TOTP secret cannot be copied: these users enrol their app again at their first sign-in after a switch.
    mfa: { totpReenrolment: totp.length, ...(options.verbose ? { totpReenrolmentUsers: totp } : {}) },
    drift: {
      primaryToTable: summarize(toTable, options.verbose),
      tableToBackup: summarize(
        { ...toBackup, stale: toBackup.stale.map((s) => s.username) },
        options.verbose,
      ),
    },
  };
  if (options.json) {
    ctx.out(JSON.stringify(report));
    return EXIT.ok;
  }
  ctx.out(`status of ${target.label}`);
  ctx.out(
    `  active region ${roles.active}` +
      (roles.state === 'steady' ? '' : ` (${roles.state} to ${roles.target})`) +
      ` · epoch ${roles.epoch}` +
      (roles.switchedAt ? ` · switched ${new Date(roles.switchedAt).toISOString()}` : '') +
      ` · posture ${Object.entries(roles.posture)
        .map(([region, posture]) => `${region} ${posture}`)
        .join(', ')}`,
  );
  for (const [region, check] of Object.entries(posture)) {
    ctx.out(
      `  posture       ${region} pool ${check.pool}${verifiesWrong(check)}, roles want ${check.expected}` +
        (check.recorded === check.expected ? '' : ` and recorded ${check.recorded}`) +
        (check.agrees
          ? ': agrees'
          : ': DOES NOT AGREE (run the last `cognito-dr failover` or `failback` again to finish it)'),
    );
  }
  ctx.out(`  primary pool  ${primary.userPoolId} (${primary.region}): ${report.primary.users} users`);
  ctx.out(
    `  table         ${table.tableName} (${table.region}): ${report.table.records} records, ${tombstones} tombstones` +
      (tableContents.unreadable ? `, ${tableContents.unreadable} unreadable` : '') +
      (report.table.newestRecordAgeMs === null ? '' : `, newest ${age(report.table.newestRecordAgeMs)} old`),
  );
  ctx.out(`  backup pool   ${backup.userPoolId} (${backup.region}): ${report.backup.users} users`);
  ctx.out(
    `  TOTP          ${totp.length} users will enrol their authenticator app again at their first sign-in after a switch`,
  );
  ctx.out(`  drift primary pool -> table:  ${driftLine(toTable)}`);
  ctx.out(`  drift table -> backup pool:   ${driftLine(toBackup)}`);
  if (options.verbose) {
    listUsers(ctx, 'table', toTable.missing, toTable.stale, toTable.extra);
    listUsers(
      ctx,
      'backup',
      toBackup.missing,
      toBackup.stale.map((s) => s.username),
      toBackup.extra,
    );
    for (const sub of totp) ctx.out(`  totp     ${sub}`);
  }
  return EXIT.ok;
}

/** ` verifying email, not phone_number` for a pool that verifies other attributes than its posture wants. */
function verifiesWrong(check: Pick<PostureCheck, 'verifies' | 'shouldVerify'> & { pool: string }): string {
  const [verifies, should] = [check.verifies, check.shouldVerify].map((list) => [...list].sort().join('+'));
  if (check.pool === 'unreadable' || verifies === should) return '';
  return ` verifying ${verifies || 'nothing'}, not ${should || 'nothing'}`;
}

/** A pool's posture against the roles; a pool status cannot describe is shown as such, not as a failed status. */
async function postureOf(pool: PoolTarget, roles: RegionRoles) {
  try {
    return checkPosture(roles, pool.region, await readPoolPosture(pool.cognito, pool.userPoolId));
  } catch {
    const nothingRead = { posture: 'standby' as const, verifies: [], identifiers: [] };
    return { ...checkPosture(roles, pool.region, nothingRead), pool: 'unreadable' as const, agrees: false };
  }
}

/** verify: the backup pool against the records its replica reads, user by user. */
export async function runVerify(ctx: CommandContext): Promise<number> {
  const { target, options } = ctx;
  const backup = need(target.backup, 'backup pool');
  // The backup region's replica of the table: the records the replica function converges the backup pool to.
  const table: TableTarget = need(target.backupTable, 'table');
  const [tableContents, backupUsers] = await Promise.all([
    readAllRecords(table.table, table.tableName),
    readBackupInventory(paced(backup, ctx.clock), backup.userPoolId),
  ]);
  const drift = backupDrift(backupUsers, tableContents.records);
  const total = driftCount(drift) + tableContents.unreadable;
  if (options.json) {
    ctx.out(
      JSON.stringify({
        target: target.label,
        inSync: drift.inSync,
        missing: drift.missing.length,
        stale: drift.stale.length,
        extra: drift.extra.length,
        unreadableRecords: tableContents.unreadable,
        drift: total,
        ...(options.verbose
          ? { users: { missing: drift.missing, stale: drift.stale, extra: drift.extra } }
          : {}),
      }),
    );
  } else {
    ctx.out(`verify ${backup.userPoolId} against ${table.tableName} in ${table.region} (${target.label})`);
    ctx.out(
      `  ${drift.inSync} in sync · ${driftLine(drift)}` +
        (tableContents.unreadable ? ` · ${tableContents.unreadable} unreadable records` : ''),
    );
    if (options.verbose) {
      for (const name of drift.missing) ctx.out(`  missing  ${name}`);
      for (const { username, operations } of drift.stale)
        ctx.out(`  stale    ${username}  (${operations.join(', ')})`);
      for (const name of drift.extra) ctx.out(`  extra    ${name}`);
    }
    ctx.out(total === 0 ? '  no drift' : `  drift: ${total}`);
  }
  return total === 0 ? EXIT.ok : EXIT.drift;
}

/** The state table of a repaired (or redriven) region: its deletion breaker's counters and holds. */
export function stateTableOf(table: TableTarget) {
  if (!table.stateTableName) {
    throw new TargetError(
      "repair and redrive delete through the backup region's deletion breaker: give its state table with --state-table <name>",
    );
  }
  return { table: table.table, tableName: table.stateTableName };
}

/** Status and verify list whole pools: within the default budget, per pool (each region has its own quotas). */
const paced = (pool: PoolTarget, clock: Clock) => budgetedCognito(pool.cognito, budgetOf(), clock).client;

/** The pool as DescribeUserPool answers; a pool that is not there stops the command before anything is written. */
async function describedPool(pool: PoolTarget): Promise<UserPoolType | undefined> {
  try {
    const { UserPool } = await pool.cognito.send(
      new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId }),
    );
    return UserPool;
  } catch (error) {
    // Anything else (a role without DescribeUserPool) only costs the ETA: the run's own calls say what is wrong.
    if (!isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
    throw new PoolNotFoundError(
      `user pool ${pool.userPoolId} does not exist in ${pool.region}: check the pool id and region; nothing was written`,
    );
  }
}

/** The backup pool must take the primary's users as they are, or the replica refuses each record backfill writes. */
async function assertBackupTakesUsers(primary: UserPoolType, backup: PoolTarget): Promise<void> {
  const described = await describedPool(backup);
  if (!described) return;
  const plan = planUserShape(primary, { pool: described, userPoolId: backup.userPoolId });
  if (plan.blockers.length > 0) {
    const fields = plan.blockers.map((b) => `${b.name === 'pool' ? '' : `${b.name} `}${b.field}`);
    throw new BackupPoolMismatchError(
      `backup pool ${backup.userPoolId} cannot take the primary's users: ${fields.join(', ')} differ; ` +
        `${plan.blockers[0]?.todo}. Nothing was written`,
    );
  }
  if (plan.changes.length > 0) {
    throw new BackupPoolMismatchError(
      `backup pool ${backup.userPoolId} lacks ${plan.changes.map((c) => c.name).join(', ')}, which the ` +
        "primary's users carry: run cognito-dr mirror with the same target first, then backfill. Nothing was written",
    );
  }
}

/** The backup pool cannot take the users a backfill would send it; the message says what to run. Exit code 2. */
export class BackupPoolMismatchError extends Error {
  override readonly name = 'BackupPoolMismatchError';
}

function newestRecord(records: Map<string, UserRecord>): number | undefined {
  let newest: number | undefined;
  for (const record of records.values())
    if (newest === undefined || record.updatedAt > newest) newest = record.updatedAt;
  return newest;
}

const driftLine = (drift: { missing: unknown[]; stale: unknown[]; extra: unknown[] }) =>
  `${drift.missing.length} missing, ${drift.stale.length} stale, ${drift.extra.length} extra`;

const summarize = (
  drift: { missing: string[]; stale: string[]; extra: string[]; inSync: number },
  verbose: boolean,
) => ({
  inSync: drift.inSync,
  missing: drift.missing.length,
  stale: drift.stale.length,
  extra: drift.extra.length,
  ...(verbose ? { users: { missing: drift.missing, stale: drift.stale, extra: drift.extra } } : {}),
});

function listUsers(
  ctx: CommandContext,
  where: string,
  missing: string[],
  stale: string[],
  extra: string[],
): void {
  for (const name of missing) ctx.out(`  ${where} missing  ${name}`);
  for (const name of stale) ctx.out(`  ${where} stale    ${name}`);
  for (const name of extra) ctx.out(`  ${where} extra    ${name}`);
}

const age = (ms: number) =>
  ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 3_600_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

/**
 * Region roles as the table's region sees them; a target that does not name its control table (explicit ids) is
 * taken to be in normal times, the primary region active.
 */
export const rolesOf = (table: TableTarget, target: Pick<Target, 'pools' | 'primaryRegion'>) => {
  const { primaryRegion } = target;
  // The target's pools name both of its regions.
  const backupRegion = Object.keys(target.pools).find((region) => region !== primaryRegion) ?? table.region;
  return async () =>
    table.controlTableName
      ? readRoles({ table: table.table, tableName: table.controlTableName, primaryRegion, backupRegion })
      : initialRoles(primaryRegion, backupRegion);
};
