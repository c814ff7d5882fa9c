// RPO under a burst: sign-ups + confirmations in the primary pool; for each user, the time from the confirmation's
// return to the user being readable in the backup pool, beside the emulator floor measured in the same burst.
//
// The floor: as each confirmation returns, the bench itself writes a shadow user straight into the backup pool (one
// AdminCreateUser, which runs the pool's PreSignUp trigger as Cognito does, through the same fault proxy the
// replica uses) and times it the same way. Both kinds share the machine, the emulators and the moment, so
// replicated p99 ÷ floor p99 is what the pipeline adds, whatever else the machine is doing.
//
// Watching must not load the backup emulator it measures: one watcher lists the run's users (ListUsers with a
// `username ^= "<run prefix>"` filter, every POLL_MS, all pages) and takes the time of the listing that first
// shows a user; each user it finds is then read once with AdminGetUser, which must succeed. Figures carry up to
// POLL_MS of resolution error. (A poll per user per 20 ms, as before, put up to 200 concurrent readers on the
// same single-threaded emulator the replica writes to, and inflated what it measured.)
import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '@cognito-dr/shared';
import { usernamesWithPrefix } from './backfill';
import { percentile, pool } from './stats';

const POLL_MS = 20;
const GIVE_UP_MS = 30_000;

export interface BurstOptions {
  users: number;
  concurrency: number;
  /** Unmeasured sign-ups first, `concurrency` at a time (0: the burst is the stack's first traffic). */
  warmUp: number;
}

export interface RpoResult {
  users: number;
  concurrency: number;
  warmUp: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  notVisibleAfter30s: number;
  /** The same burst's shadow users, written straight into the backup pool: the fastest path the emulators allow. */
  floorP50Ms: number;
  floorP99Ms: number;
  /** p99 ÷ floor p99. */
  ratio: number;
  /** The AdminConfirmSignUp call itself, which waits for the PostConfirmation capture: what sign-up costs. */
  confirmP50Ms: number;
  confirmP99Ms: number;
}

type Kind = 'replicated' | 'floor';

export const measureBurst = async (stack: StackInfo, burst: BurstOptions): Promise<RpoResult> => {
  const client = (region: string, endpoint: string) =>
    new CognitoIdentityProviderClient({ region, endpoint, credentials: stack.credentials });
  const primary = client(stack.primary.region, stack.primary.cognitoEndpoint);
  const backup = client(stack.backup.region, stack.backup.cognitoEndpoint);
  // The replica's own way into the backup pool (it bypasses the backup region's CloudTrail stand-in).
  const direct = client(stack.backup.region, new URL(stack.faultInjection.backupCognito).origin);
  const run = randomBytes(3).toString('hex');
  const prefix = `rpo-${run}-`;

  /** Usernames of the run's users (both kinds) the backup pool lists now. */
  const listed = () => usernamesWithPrefix(backup, stack.backup.userPoolId, prefix);

  /** Start times of users not yet seen; first sightings of users whose start has not been noted yet. */
  const waiting = new Map<string, { kind: Kind; at: number }>();
  const seenEarly = new Map<string, number>();
  const seen = new Set<string>();
  const latencies: Record<Kind, number[]> = { replicated: [], floor: [] };
  const checks: Promise<void>[] = [];
  let lost = 0;
  let burstDone = false;

  const record = (username: string, kind: Kind, startedAt: number, seenAt: number) => {
    latencies[kind].push(Math.max(0, seenAt - startedAt));
    // Replicated means visible to the backup pool's readers: AdminGetUser there finds the user.
    checks.push(
      backup
        .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: username }))
        .then(() => undefined),
    );
  };

  const started = (username: string, kind: Kind, at: number) => {
    const early = seenEarly.get(username);
    if (early === undefined) waiting.set(username, { kind, at });
    else record(username, kind, at, early);
  };

  const watch = async () => {
    while (!burstDone || waiting.size > 0) {
      const names = await listed();
      const seenAt = Date.now();
      for (const username of names) {
        if (seen.has(username)) continue;
        seen.add(username);
        const pending = waiting.get(username);
        if (pending === undefined) seenEarly.set(username, seenAt);
        else {
          waiting.delete(username);
          record(username, pending.kind, pending.at, seenAt);
        }
      }
      for (const [username, pending] of waiting) {
        if (seenAt - pending.at > GIVE_UP_MS) {
          waiting.delete(username);
          if (pending.kind === 'replicated') lost += 1;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  const confirmMs: number[] = [];
  const signUpAndConfirm = async (username: string) => {
    await primary.send(
      new SignUpCommand({
        ClientId: stack.primary.clientId,
        Username: username,
        Password: `Pw-${randomBytes(8).toString('hex')}-7x`,
        UserAttributes: [
          { Name: 'email', Value: `${username}@example.com` },
          { Name: 'custom:tier', Value: 'bench' },
        ],
      }),
    );
    const began = performance.now();
    await primary.send(
      new AdminConfirmSignUpCommand({ UserPoolId: stack.primary.userPoolId, Username: username }),
    );
    confirmMs.push(performance.now() - began);
  };

  const shadows: Promise<unknown>[] = [];
  const writeShadow = (username: string) => {
    started(username, 'floor', Date.now());
    shadows.push(
      direct.send(
        new AdminCreateUserCommand({
          UserPoolId: stack.backup.userPoolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }],
        }),
      ),
    );
  };

  if (burst.warmUp > 0) {
    // Not measured: the traffic a running application keeps flowing before a burst.
    const warmUp = Array.from({ length: burst.warmUp }, (_, i) => `${prefix}warm-${i}`);
    await pool(warmUp, burst.concurrency, signUpAndConfirm);
    const warmWatcher = watch();
    burstDone = true;
    for (const username of warmUp) started(username, 'replicated', Date.now());
    await warmWatcher;
    await Promise.all(checks);
    latencies.replicated.length = 0;
    confirmMs.length = 0;
    checks.length = 0;
    lost = 0;
    burstDone = false;
  }

  const names = Array.from({ length: burst.users }, (_, i) => `${prefix}${i}`);
  const watcher = watch();
  try {
    await pool(names, burst.concurrency, async (username, index) => {
      await signUpAndConfirm(username);
      started(username, 'replicated', Date.now());
      writeShadow(`${prefix}floor-${index}`);
    });
  } finally {
    burstDone = true;
  }
  await watcher;
  await Promise.all([...checks, ...shadows]);
  const p99Ms = percentile(latencies.replicated, 99);
  const floorP99Ms = percentile(latencies.floor, 99);
  return {
    users: burst.users,
    concurrency: burst.concurrency,
    warmUp: burst.warmUp,
    p50Ms: percentile(latencies.replicated, 50),
    p95Ms: percentile(latencies.replicated, 95),
    p99Ms,
    maxMs: Math.max(...latencies.replicated),
    notVisibleAfter30s: lost,
    floorP50Ms: percentile(latencies.floor, 50),
    floorP99Ms,
    ratio: Math.round((p99Ms / Math.max(1, floorP99Ms)) * 100) / 100,
    confirmP50Ms: Math.round(percentile(confirmMs, 50)),
    confirmP99Ms: Math.round(percentile(confirmMs, 99)),
  };
};

/** The RPO figure: a burst after a warm-up of one sign-up per concurrent request. */
export const measureRpo = (stack: StackInfo, users: number, concurrency: number): Promise<RpoResult> =>
  measureBurst(stack, { users, concurrency, warmUp: concurrency });
