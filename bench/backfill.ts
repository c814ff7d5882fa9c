// Bench hook: how fast backfill brings N uncaptured users of a running local stack into the table, and how long
// the replica then takes to have them all in the backup pool.

import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Budget, budgetOf, memoryCheckpointStore, runReconcile } from '@cognito-dr/reconcile';
import { QUOTA_CATEGORIES, type StackInfo, systemClock } from '@cognito-dr/shared';
import { engineDeps } from '../cli/commands';
import { closeTarget, resolveTarget, targetFromStack } from '../cli/targets';

export interface BackfillBenchOptions {
  /** The running local stack: its stack.json path, or its contents (StackInfo) as `withStack` hands them over. */
  stack: string | StackInfo;
  /** Users created directly in the primary pool (no trigger) before the backfill. */
  users?: number;
  /** Pacing; by default none to speak of, so the figure is the engine's and the emulators' own speed. */
  budget?: Partial<Budget>;
  writesPerSecond?: number;
  concurrency?: number;
  /** Also wait for the backup pool to hold every new user (default true). */
  waitForBackup?: boolean;
  /** Give up waiting for the backup pool after this long (default 10 minutes). */
  backupTimeoutMs?: number;
}

export interface BackfillBenchResult {
  users: number;
  /** Creating the users directly (the raw emulator write rate, for comparison). */
  seedMs: number;
  seedUsersPerSecond: number;
  /** The backfill run: new users written per second of backfill. */
  backfillMs: number;
  usersPerSecond: number;
  /** Every user of the pool checked per second (the pool may hold users from before). */
  checkedPerSecond: number;
  failed: number;
  /** From the start of the backfill until the backup pool holds every new user; absent when not waited for. */
  replicatedMs?: number;
  replicatedUsersPerSecond?: number;
}

const UNPACED = Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 1e6])) as Budget;

export async function benchBackfill(options: BackfillBenchOptions): Promise<BackfillBenchResult> {
  const count = options.users ?? 2_000;
  const needs = { primary: true, backup: true, primaryTable: true };
  const target =
    typeof options.stack === 'string'
      ? await resolveTarget({ stack: options.stack }, needs)
      : targetFromStack(options.stack, needs);
  try {
    const primary = target.primary as NonNullable<typeof target.primary>;
    const backup = target.backup as NonNullable<typeof target.backup>;
    const table = target.primaryTable as NonNullable<typeof target.primaryTable>;
    const prefix = `bench-${randomBytes(3).toString('hex')}-`;

    const seedStarted = Date.now();
    await createUsers(primary.cognito, primary.userPoolId, prefix, count);
    const seedMs = Date.now() - seedStarted;

    const started = Date.now();
    const result = await runReconcile(
      engineDeps(target, primary, table, systemClock, memoryCheckpointStore()),
      {
        mode: 'backfill',
        budget: budgetOf({ ...UNPACED, ...options.budget }),
        writesPerSecond: options.writesPerSecond ?? 1e6,
        concurrency: options.concurrency ?? 16,
      },
    );
    const backfillMs = Date.now() - started;
    const bench: BackfillBenchResult = {
      users: count,
      seedMs,
      seedUsersPerSecond: perSecond(count, seedMs),
      backfillMs,
      usersPerSecond: perSecond(result.counts.created, backfillMs),
      checkedPerSecond: perSecond(result.counts.checked, backfillMs),
      failed: result.counts.failed,
    };
    if (options.waitForBackup !== false) {
      await waitForUsers(
        backup.cognito,
        backup.userPoolId,
        prefix,
        count,
        options.backupTimeoutMs ?? 600_000,
      );
      bench.replicatedMs = Date.now() - started;
      bench.replicatedUsersPerSecond = perSecond(count, bench.replicatedMs);
    }
    return bench;
  } finally {
    closeTarget(target);
  }
}

const perSecond = (count: number, ms: number) => (ms > 0 ? Number(((count * 1000) / ms).toFixed(1)) : 0);

async function createUsers(
  cognito: CognitoIdentityProviderClient,
  UserPoolId: string,
  prefix: string,
  count: number,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const Username = `${prefix}${next++}`;
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: `${Username}@example.com` },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
        await cognito.send(
          new AdminSetUserPasswordCommand({
            UserPoolId,
            Username,
            Password: `Pw-${randomBytes(9).toString('base64url')}-7x`,
            Permanent: true,
          }),
        );
      }
    }),
  );
}

/** Usernames in the pool that start with `prefix`, every page (filtered by Cognito, checked again here). */
export async function usernamesWithPrefix(
  cognito: CognitoIdentityProviderClient,
  UserPoolId: string,
  prefix: string,
): Promise<string[]> {
  const names: string[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await cognito.send(
      new ListUsersCommand({ UserPoolId, Filter: `username ^= "${prefix}"`, Limit: 60, PaginationToken }),
    );
    for (const user of page.Users ?? []) if (user.Username?.startsWith(prefix)) names.push(user.Username);
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  return names;
}

async function waitForUsers(
  cognito: CognitoIdentityProviderClient,
  UserPoolId: string,
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const present = (await usernamesWithPrefix(cognito, UserPoolId, prefix)).length;
    if (present >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${present} of ${count} users reached the backup pool in time`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

if (require.main === module) {
  // npx tsx bench/backfill.ts <stack.json> [users]
  const [stack = '.local/stack.json', users = '2000'] = process.argv.slice(2);
  benchBackfill({ stack, users: Number(users) }).then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error) => {
      process.stderr.write(`bench failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
