// `cognito-dr redrive`: re-applies the users the replica's dead-letter queue names, through the replica's own apply
// code, and deletes the messages it handled.
import {
  type ApplyDeps,
  createLimiter,
  type DeadLetterSource,
  fileDeadLetterSource,
  reapplyUser,
  redrive,
  replicatorClient,
  sqsDeadLetterSource,
} from '@cognito-dr/apply';
import { readAllRecords } from '@cognito-dr/reconcile';
import { cliBreaker } from './breaker';
import { type CommandContext, EXIT, rolesOf, stateTableOf } from './commands';
import type { DeadLetterTarget } from './targets';

/** Users re-applied at once: a dead-letter queue is small, and the replica may be applying at the same time. */
const REDRIVE_CONCURRENCY = 4;

export async function runRedrive(ctx: CommandContext): Promise<number> {
  const { options, target } = ctx;
  const backup = target.backup;
  const table = target.backupTable;
  const deadLetters = target.deadLetters;
  if (!backup || !table || !deadLetters)
    throw new Error('internal: redrive needs the backup pool, table and queue');
  const applyDeps: ApplyDeps = {
    cognito: backup.cognito,
    table: table.table,
    userPoolId: backup.userPoolId,
    tableName: table.tableName,
    region: backup.region,
    // Applied as the backup region's consumer applies them: records of the active region, into a standby pool.
    roles: rolesOf(table, target),
    createMissing: true,
    now: () => ctx.clock.now(),
    // A dead-lettered deletion is still a deletion: counted, and held past the threshold like the consumer's.
    breaker: cliBreaker({ region: backup.region, state: stateTableOf(table), pool: backup }, ctx),
    ...(backup.replicatorClientId
      ? { replicator: replicatorClient(backup.cognito, backup.userPoolId, backup.replicatorClientId) }
      : {}),
  };
  // The table is read once, and only if a batch record asks for a window of it.
  let updatedAt: Promise<{ username: string; updatedAt: number }[]> | undefined;
  const usersChangedBetween = async (from: number, to: number) => {
    updatedAt ??= readAllRecords(table.table, table.tableName).then(({ records }) =>
      [...records.values()].map(({ username, updatedAt: at }) => ({ username, updatedAt: at })),
    );
    return (await updatedAt).filter((r) => r.updatedAt >= from && r.updatedAt <= to).map((r) => r.username);
  };
  const limit = createLimiter(REDRIVE_CONCURRENCY);
  const report = await redrive(
    {
      source: sourceOf(deadLetters, options.dryRun),
      reapply: (username) => limit(() => reapplyUser(applyDeps, username)),
      usersChangedBetween,
    },
    { dryRun: options.dryRun },
  );

  const { users } = report;
  const counts = {
    planned: users.planned.length,
    applied: users.applied.length,
    unchanged: users.unchanged.length,
    withoutRecord: users.withoutRecord.length,
    failed: users.failed.length,
  };
  if (options.json) {
    ctx.out(
      JSON.stringify({
        command: 'redrive',
        target: target.label,
        dryRun: options.dryRun,
        messages: report.messages,
        handled: report.handled,
        removed: report.removed,
        kept: report.kept,
        unreadable: report.unreadable.length,
        users: counts,
        ...(options.verbose
          ? { usernames: { ...users, failed: users.failed }, unreadableMessages: report.unreadable }
          : {}),
      }),
    );
  } else {
    ctx.out(`redrive of ${describe(deadLetters)} into ${backup.userPoolId} (${target.label})`);
    ctx.out(
      `  messages ${report.messages} · handled ${report.handled} · removed ${report.removed} · kept ${report.kept}` +
        (report.unreadable.length > 0 ? ` (${report.unreadable.length} unreadable)` : ''),
    );
    ctx.out(
      options.dryRun
        ? `  dry run: ${counts.planned} users would be re-applied; nothing was applied or removed`
        : `  users: applied ${counts.applied} · unchanged ${counts.unchanged} · without record ${counts.withoutRecord} · still failing ${counts.failed}`,
    );
    if (options.verbose) {
      for (const name of users.planned) ctx.out(`  planned    ${name}`);
      for (const name of users.applied) ctx.out(`  applied    ${name}`);
      for (const { username, errorName } of users.failed) ctx.out(`  failing    ${username}  (${errorName})`);
      for (const { id, reason } of report.unreadable) ctx.out(`  unreadable ${id}  (${reason})`);
    }
  }
  if (options.dryRun) return EXIT.ok;
  return report.kept > 0 ? EXIT.drift : EXIT.ok;
}

function sourceOf(deadLetters: DeadLetterTarget, dryRun: boolean): DeadLetterSource {
  return deadLetters.kind === 'sqs'
    ? sqsDeadLetterSource(deadLetters.sqs, deadLetters.queueUrl, { dryRun })
    : fileDeadLetterSource(deadLetters.paths);
}

const describe = (deadLetters: DeadLetterTarget) =>
  deadLetters.kind === 'sqs' ? deadLetters.queueUrl : deadLetters.paths.join(' and ');
