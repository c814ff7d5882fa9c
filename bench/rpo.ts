// RPO: a burst of sign-ups + confirmations in the primary pool; for each user, the time from the confirmation's
// return to the user being readable in the backup pool.
//
// Watching must not load the backup emulator it measures: one watcher lists the run's users (ListUsers with a
// `username ^= "<run prefix>"` filter, every POLL_MS, all pages) and takes the time of the listing that first
// shows a user; each user it finds is then read once with AdminGetUser, which must succeed. Figures carry up to
// POLL_MS of resolution error. (A poll per user per 20 ms, as before, put up to 200 concurrent readers on the
// same single-threaded emulator the replica writes to, and inflated what it measured.)
import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '../local/stack/stack-info';
import { usernamesWithPrefix } from './backfill';
import { percentile, pool } from './stats';

const POLL_MS = 20;
const GIVE_UP_MS = 30_000;

export interface RpoResult {
  users: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  notVisibleAfter30s: number;
  /** The AdminConfirmSignUp call itself, which waits for the PostConfirmation capture: what sign-up costs. */
  confirmP50Ms: number;
  confirmP99Ms: number;
}

export const measureRpo = async (
  stack: StackInfo,
  users: number,
  concurrency: number,
): Promise<RpoResult> => {
  const client = (r: StackInfo['primary']) =>
    new CognitoIdentityProviderClient({
      region: r.region,
      endpoint: r.cognitoEndpoint,
      credentials: stack.credentials,
    });
  const primary = client(stack.primary);
  const backup = client(stack.backup);
  const run = randomBytes(3).toString('hex');
  const prefix = `rpo-${run}-`;

  /** Usernames of the run's users the backup pool lists now. */
  const listed = () => usernamesWithPrefix(backup, stack.backup.userPoolId, prefix);

  /** Confirmation times of users not yet seen; first sightings of users whose confirmation has not returned. */
  const waiting = new Map<string, number>();
  const seenEarly = new Map<string, number>();
  const seen = new Set<string>();
  const latencies: number[] = [];
  const checks: Promise<void>[] = [];
  let lost = 0;
  let burstDone = false;

  const record = (username: string, confirmedAt: number, seenAt: number) => {
    latencies.push(Math.max(0, seenAt - confirmedAt));
    // Visible by the definition: AdminGetUser reads the user.
    checks.push(
      backup
        .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: username }))
        .then(() => undefined),
    );
  };

  const confirmed = (username: string, at: number) => {
    const early = seenEarly.get(username);
    if (early === undefined) waiting.set(username, at);
    else record(username, at, early);
  };

  const watch = async () => {
    while (!burstDone || waiting.size > 0) {
      const names = await listed();
      const seenAt = Date.now();
      for (const username of names) {
        if (seen.has(username)) continue;
        seen.add(username);
        const confirmedAt = waiting.get(username);
        if (confirmedAt === undefined) seenEarly.set(username, seenAt);
        else {
          waiting.delete(username);
          record(username, confirmedAt, seenAt);
        }
      }
      for (const [username, confirmedAt] of waiting) {
        if (seenAt - confirmedAt > GIVE_UP_MS) {
          waiting.delete(username);
          lost += 1;
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

  // Warm-up, not measured: one Lambda instance per concurrent request, as production traffic keeps them.
  const warmUp = Array.from({ length: concurrency }, (_, i) => `${prefix}warm-${i}`);
  await pool(warmUp, concurrency, signUpAndConfirm);
  const warmWatcher = watch();
  burstDone = true;
  for (const username of warmUp) confirmed(username, Date.now());
  await warmWatcher;
  await Promise.all(checks);
  latencies.length = 0;
  confirmMs.length = 0;
  checks.length = 0;
  lost = 0;
  burstDone = false;

  const names = Array.from({ length: users }, (_, i) => `${prefix}${i}`);
  const watcher = watch();
  try {
    await pool(names, concurrency, async (username) => {
      await signUpAndConfirm(username);
      confirmed(username, Date.now());
    });
  } finally {
    burstDone = true;
  }
  await watcher;
  await Promise.all(checks);
  return {
    users,
    concurrency,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    notVisibleAfter30s: lost,
    confirmP50Ms: Math.round(percentile(confirmMs, 50)),
    confirmP99Ms: Math.round(percentile(confirmMs, 99)),
  };
};
